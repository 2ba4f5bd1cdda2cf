// Keccak-256 (the pre-standard SHA-3 padding Ethereum uses). Only used to verify EIP-55 checksums
// of candidate addresses. The 64-bit lanes are kept as pairs of 32-bit halves in typed arrays
// (low half at 2*i, high half at 2*i+1), so hashing allocates nothing but its input and output
// (a BigInt version cost a few microseconds and dozens of allocations per candidate).

/** Round constants as [low, high] 32-bit halves. */
const roundConstants = new Uint32Array([
  0x00000001, 0x00000000, 0x00008082, 0x00000000, 0x0000808a, 0x80000000, 0x80008000, 0x80000000, 0x0000808b,
  0x00000000, 0x80000001, 0x00000000, 0x80008081, 0x80000000, 0x00008009, 0x80000000, 0x0000008a, 0x00000000,
  0x00000088, 0x00000000, 0x80008009, 0x00000000, 0x8000000a, 0x00000000, 0x8000808b, 0x00000000, 0x0000008b,
  0x80000000, 0x00008089, 0x80000000, 0x00008003, 0x80000000, 0x00008002, 0x80000000, 0x00000080, 0x80000000,
  0x0000800a, 0x00000000, 0x8000000a, 0x80000000, 0x80008081, 0x80000000, 0x00008080, 0x80000000, 0x80000001,
  0x00000000, 0x80008008, 0x80000000,
]);
/** Rotation offsets by lane index x + 5y. */
const rotations = [
  0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14,
];
/** Destination lane of each lane in the rho-pi step. */
const destinations = Array.from({ length: 25 }, (_, lane) => {
  const x = lane % 5;
  const y = Math.floor(lane / 5);
  return y + ((2 * x + 3 * y) % 5) * 5;
});

// Scratch space (the hash is synchronous, so one set per process suffices).
const columns = new Uint32Array(10);
const moved = new Uint32Array(50);

function permute(state: Uint32Array): void {
  for (let round = 0; round < 24; round += 1) {
    // theta
    for (let x = 0; x < 5; x += 1) {
      const low = 2 * x;
      columns[low] =
        (state[low] ?? 0) ^
        (state[low + 10] ?? 0) ^
        (state[low + 20] ?? 0) ^
        (state[low + 30] ?? 0) ^
        (state[low + 40] ?? 0);
      columns[low + 1] =
        (state[low + 1] ?? 0) ^
        (state[low + 11] ?? 0) ^
        (state[low + 21] ?? 0) ^
        (state[low + 31] ?? 0) ^
        (state[low + 41] ?? 0);
    }
    for (let x = 0; x < 5; x += 1) {
      const left = 2 * ((x + 4) % 5);
      const right = 2 * ((x + 1) % 5);
      const rightLow = columns[right] ?? 0;
      const rightHigh = columns[right + 1] ?? 0;
      const thetaLow = (columns[left] ?? 0) ^ ((rightLow << 1) | (rightHigh >>> 31));
      const thetaHigh = (columns[left + 1] ?? 0) ^ ((rightHigh << 1) | (rightLow >>> 31));
      for (let y = 0; y < 25; y += 5) {
        const lane = 2 * (x + y);
        state[lane] = (state[lane] ?? 0) ^ thetaLow;
        state[lane + 1] = (state[lane + 1] ?? 0) ^ thetaHigh;
      }
    }
    // rho and pi
    for (let lane = 0; lane < 25; lane += 1) {
      const low = state[2 * lane] ?? 0;
      const high = state[2 * lane + 1] ?? 0;
      const shift = rotations[lane] ?? 0;
      const target = 2 * (destinations[lane] ?? 0);
      if (shift === 0) {
        moved[target] = low;
        moved[target + 1] = high;
      } else if (shift < 32) {
        moved[target] = (low << shift) | (high >>> (32 - shift));
        moved[target + 1] = (high << shift) | (low >>> (32 - shift));
      } else if (shift === 32) {
        moved[target] = high;
        moved[target + 1] = low;
      } else {
        const rest = shift - 32;
        moved[target] = (high << rest) | (low >>> (32 - rest));
        moved[target + 1] = (low << rest) | (high >>> (32 - rest));
      }
    }
    // chi
    for (let y = 0; y < 25; y += 5) {
      for (let x = 0; x < 5; x += 1) {
        const lane = 2 * (x + y);
        const next = 2 * (((x + 1) % 5) + y);
        const afterNext = 2 * (((x + 2) % 5) + y);
        state[lane] = (moved[lane] ?? 0) ^ (~(moved[next] ?? 0) & (moved[afterNext] ?? 0));
        state[lane + 1] = (moved[lane + 1] ?? 0) ^ (~(moved[next + 1] ?? 0) & (moved[afterNext + 1] ?? 0));
      }
    }
    // iota
    state[0] = (state[0] ?? 0) ^ (roundConstants[2 * round] ?? 0);
    state[1] = (state[1] ?? 0) ^ (roundConstants[2 * round + 1] ?? 0);
  }
}

/** Keccak-256 of `input` as lower-case hex. */
export function keccak256Hex(input: Uint8Array): string {
  const rate = 136;
  const padded = new Uint8Array(Math.ceil((input.length + 1) / rate) * rate);
  padded.set(input);
  padded[input.length] = (padded[input.length] ?? 0) ^ 0x01;
  padded[padded.length - 1] = (padded[padded.length - 1] ?? 0) ^ 0x80;
  const state = new Uint32Array(50);
  for (let offset = 0; offset < padded.length; offset += rate) {
    for (let word = 0; word < rate / 4; word += 1) {
      const at = offset + word * 4;
      state[word] =
        (state[word] ?? 0) ^
        ((padded[at] ?? 0) |
          ((padded[at + 1] ?? 0) << 8) |
          ((padded[at + 2] ?? 0) << 16) |
          ((padded[at + 3] ?? 0) << 24));
    }
    permute(state);
  }
  let hex = '';
  for (let word = 0; word < 8; word += 1) {
    const value = state[word] ?? 0;
    for (let byte = 0; byte < 4; byte += 1)
      hex += ((value >>> (8 * byte)) & 0xff).toString(16).padStart(2, '0');
  }
  return hex;
}

/** True if the 40 hex digits of an Ethereum address carry a valid EIP-55 mixed-case checksum. */
export function hasValidEip55Checksum(hexDigits: string): boolean {
  const hash = keccak256Hex(new TextEncoder().encode(hexDigits.toLowerCase()));
  for (let index = 0; index < hexDigits.length; index += 1) {
    const code = hexDigits.charCodeAt(index);
    const upperLetter = code >= 65 && code <= 70;
    const lowerLetter = code >= 97 && code <= 102;
    if (!upperLetter && !lowerLetter) continue;
    const upper = Number.parseInt(hash.charAt(index), 16) >= 8;
    if (upper !== upperLetter) return false;
  }
  return true;
}
