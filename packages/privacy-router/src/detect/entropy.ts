// Scratch space for ASCII strings (the entropy is computed synchronously, so one set suffices).
const asciiCounts = new Uint32Array(128);
const firstSeen = new Uint8Array(128);

/** Shannon entropy of `value` in bits per character (0 for the empty string). */
export function shannonEntropy(value: string): number {
  if (value.length === 0) return 0;
  for (let index = 0; index < value.length; index += 1)
    if (value.charCodeAt(index) >= 128) return entropyOfCodePoints(value);
  // ASCII: counts in a typed array, summed in order of first occurrence like the general case,
  // so that both give the same floating-point result.
  let distinct = 0;
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if (asciiCounts[code] === 0) {
      firstSeen[distinct] = code;
      distinct += 1;
    }
    asciiCounts[code] = (asciiCounts[code] ?? 0) + 1;
  }
  let entropy = 0;
  for (let position = 0; position < distinct; position += 1) {
    const code = firstSeen[position] ?? 0;
    const probability = (asciiCounts[code] ?? 0) / value.length;
    entropy -= probability * Math.log2(probability);
    asciiCounts[code] = 0;
  }
  return entropy;
}

function entropyOfCodePoints(value: string): number {
  const counts = new Map<string, number>();
  for (const character of value) counts.set(character, (counts.get(character) ?? 0) + 1);
  let length = 0;
  for (const count of counts.values()) length += count;
  let entropy = 0;
  for (const count of counts.values()) {
    const probability = count / length;
    entropy -= probability * Math.log2(probability);
  }
  return entropy;
}
