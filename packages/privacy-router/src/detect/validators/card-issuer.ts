/** A payment card network with its IIN (BIN) prefixes and allowed lengths. */
interface CardIssuer {
  name: string;
  /** Inclusive prefix ranges, compared on the first `digits` digits. */
  ranges: readonly (readonly [low: number, high: number, digits: number])[];
  lengths: readonly number[];
}

const issuers: readonly CardIssuer[] = [
  { name: 'visa', ranges: [[4, 4, 1]], lengths: [13, 16, 19] },
  {
    name: 'mastercard',
    ranges: [
      [51, 55, 2],
      [2221, 2720, 4],
    ],
    lengths: [16],
  },
  {
    name: 'amex',
    ranges: [
      [34, 34, 2],
      [37, 37, 2],
    ],
    lengths: [15],
  },
  {
    name: 'discover',
    ranges: [
      [6011, 6011, 4],
      [644, 649, 3],
      [65, 65, 2],
    ],
    lengths: [16, 17, 18, 19],
  },
  {
    name: 'diners',
    ranges: [
      [300, 305, 3],
      [36, 36, 2],
      [38, 39, 2],
    ],
    lengths: [14, 15, 16, 17, 18, 19],
  },
  { name: 'jcb', ranges: [[3528, 3589, 4]], lengths: [16, 17, 18, 19] },
  { name: 'unionpay', ranges: [[62, 62, 2]], lengths: [16, 17, 18, 19] },
  {
    name: 'maestro',
    ranges: [
      [50, 50, 2],
      [56, 69, 2],
    ],
    lengths: [12, 13, 14, 15, 16, 17, 18, 19],
  },
];

/** The card network whose IIN range and length match `digits`, or undefined. */
export function cardIssuerOf(digits: string): string | undefined {
  for (const issuer of issuers) {
    if (!issuer.lengths.includes(digits.length)) continue;
    for (const [low, high, width] of issuer.ranges) {
      const prefix = Number(digits.slice(0, width));
      if (prefix >= low && prefix <= high) return issuer.name;
    }
  }
  return undefined;
}
