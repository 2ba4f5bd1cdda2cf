// Keccak-256 (the pre-standard SHA-3 padding Ethereum uses), on 64-bit lanes as BigInt. Only used
// to verify EIP-55 checksums of candidate addresses, so simplicity wins over speed.
const mask = (1n << 64n) - 1n;
const roundConstants = [
  0x0000000000000001n,
  0x0000000000008082n,
  0x800000000000808an,
  0x8000000080008000n,
  0x000000000000808bn,
  0x0000000080000001n,
  0x8000000080008081n,
  0x8000000000008009n,
  0x000000000000008an,
  0x0000000000000088n,
  0x0000000080008009n,
  0x000000008000000an,
  0x000000008000808bn,
  0x800000000000008bn,
  0x8000000000008089n,
  0x8000000000008003n,
  0x8000000000008002n,
  0x8000000000000080n,
  0x000000000000800an,
  0x800000008000000an,
  0x8000000080008081n,
  0x8000000000008080n,
  0x0000000080000001n,
  0x8000000080008008n,
];
const rotations = [
  0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14,
];

function rotate(value: bigint, shift: number): bigint {
  if (shift === 0) return value;
  const amount = BigInt(shift);
  return ((value << amount) | (value >> (64n - amount))) & mask;
}

function lane(state: bigint[], index: number): bigint {
  return state[index] ?? 0n;
}

function permute(state: bigint[]): void {
  for (const constant of roundConstants) {
    const columns: bigint[] = [];
    for (let x = 0; x < 5; x += 1)
      columns.push(
        lane(state, x) ^ lane(state, x + 5) ^ lane(state, x + 10) ^ lane(state, x + 15) ^ lane(state, x + 20),
      );
    for (let x = 0; x < 5; x += 1) {
      const theta = (columns[(x + 4) % 5] ?? 0n) ^ rotate(columns[(x + 1) % 5] ?? 0n, 1);
      for (let y = 0; y < 25; y += 5) state[x + y] = lane(state, x + y) ^ theta;
    }
    const moved: bigint[] = new Array<bigint>(25).fill(0n);
    for (let x = 0; x < 5; x += 1)
      for (let y = 0; y < 5; y += 1)
        moved[y + ((2 * x + 3 * y) % 5) * 5] = rotate(lane(state, x + y * 5), rotations[x + y * 5] ?? 0);
    for (let x = 0; x < 5; x += 1)
      for (let y = 0; y < 25; y += 5)
        state[x + y] =
          lane(moved, x + y) ^ (~lane(moved, ((x + 1) % 5) + y) & mask & lane(moved, ((x + 2) % 5) + y));
    state[0] = lane(state, 0) ^ constant;
  }
}

/** Keccak-256 of `input` as lower-case hex. */
export function keccak256Hex(input: Uint8Array): string {
  const rate = 136;
  const padded = new Uint8Array(Math.ceil((input.length + 1) / rate) * rate);
  padded.set(input);
  padded[input.length] = (padded[input.length] ?? 0) ^ 0x01;
  padded[padded.length - 1] = (padded[padded.length - 1] ?? 0) ^ 0x80;
  const state: bigint[] = new Array<bigint>(25).fill(0n);
  for (let offset = 0; offset < padded.length; offset += rate) {
    for (let index = 0; index < rate / 8; index += 1) {
      let value = 0n;
      for (let byte = 7; byte >= 0; byte -= 1)
        value = (value << 8n) | BigInt(padded[offset + index * 8 + byte] ?? 0);
      state[index] = lane(state, index) ^ value;
    }
    permute(state);
  }
  let hex = '';
  for (let index = 0; index < 4; index += 1) {
    let value = lane(state, index);
    for (let byte = 0; byte < 8; byte += 1) {
      hex += Number(value & 0xffn)
        .toString(16)
        .padStart(2, '0');
      value >>= 8n;
    }
  }
  return hex;
}

/** True if the 40 hex digits of an Ethereum address carry a valid EIP-55 mixed-case checksum. */
export function hasValidEip55Checksum(hexDigits: string): boolean {
  const hash = keccak256Hex(new TextEncoder().encode(hexDigits.toLowerCase()));
  for (let index = 0; index < hexDigits.length; index += 1) {
    const character = hexDigits.charAt(index);
    if (!/[a-fA-F]/.test(character)) continue;
    const upper = Number.parseInt(hash.charAt(index), 16) >= 8;
    if (upper !== (character === character.toUpperCase())) return false;
  }
  return true;
}
