import type { Finding } from './finding.js';

/**
 * Resolves overlapping findings: the highest score wins, then the longest span, then the earliest.
 * Returns the surviving findings sorted by start offset.
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
    const overlaps = kept.some((other) => candidate.start < other.end && other.start < candidate.end);
    if (!overlaps) kept.push(candidate);
  }
  return kept.sort((left, right) => left.start - right.start || left.end - right.end);
}
