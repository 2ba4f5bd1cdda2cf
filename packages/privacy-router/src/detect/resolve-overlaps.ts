import type { Finding } from './finding.js';

/** Index of the first finding in `sorted` (by start) whose start is >= `start`. */
function lowerBound(sorted: readonly Finding[], start: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle]?.start ?? 0) < start) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Resolves overlapping findings: the highest score wins, then the longest span, then the earliest.
 * Returns the surviving findings sorted by start offset. O(n log n) lookups (kept findings never
 * overlap, so only the two neighbours of a candidate's position can).
 */
export function resolveOverlaps(findings: readonly Finding[]): Finding[] {
  const ranked = [...findings].sort(
    (left, right) =>
      right.score - left.score ||
      right.end - right.start - (left.end - left.start) ||
      left.start - right.start,
  );
  const kept: Finding[] = [];
  for (const candidate of ranked) {
    if (candidate.end <= candidate.start) continue;
    const index = lowerBound(kept, candidate.start);
    const before = kept[index - 1];
    const after = kept[index];
    if (before !== undefined && before.end > candidate.start) continue;
    if (after !== undefined && after.start < candidate.end) continue;
    kept.splice(index, 0, candidate);
  }
  return kept;
}
