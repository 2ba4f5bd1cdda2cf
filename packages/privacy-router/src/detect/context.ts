import type { KeywordIndex } from './keyword-index.js';
import type { ScanInput } from './recognizer.js';

/** How much a context word raises a score (Presidio's default context similarity factor). */
export const contextBoost = 0.35;

/** How many words before a match are searched for context words (Presidio's default prefix count is 5). */
export const contextWindowWords = 6;

const wordPattern = /[\p{L}\p{N}'#.]+/gu;

/**
 * The words (lower-cased) just before `start` in `lowerText`, at most `windowWords` of them,
 * joined by single spaces so that multi-word context phrases can be found with `includes`.
 */
export function contextBefore(lowerText: string, start: number, windowWords = contextWindowWords): string {
  const from = Math.max(0, start - windowWords * 16);
  let window = lowerText.slice(from, start);
  // Context does not cross a sentence end or a blank line.
  const boundary = lastSentenceBoundary(window);
  if (boundary >= 0) window = window.slice(boundary + 1);
  const words = window.match(wordPattern) ?? [];
  return ` ${words.slice(-windowWords).join(' ')} `;
}

/**
 * True if one of `contextWords` (lower-case; single words or phrases) appears among the words
 * just before `start`. A single word matches a whole word or a word's prefix (e.g. `phone`
 * matches `phones` and `phone#`).
 */
export function hasContext(
  lowerText: string,
  start: number,
  contextWords: readonly string[],
  windowWords = contextWindowWords,
): boolean {
  const window = contextBefore(lowerText, start, windowWords);
  for (const word of contextWords) if (window.includes(` ${word}`)) return true;
  return false;
}

/** `score` raised by {@link contextBoost} when context is present, capped at 1. */
export function boostedScore(score: number, withContext: boolean): number {
  return withContext ? Math.min(1, score + contextBoost) : score;
}

/** Index of the last sentence end (`.`, `!`, `?`, `;` before whitespace) or blank line in `window`, or -1. */
function lastSentenceBoundary(window: string): number {
  for (let index = window.length - 2; index >= 0; index -= 1) {
    const character = window.charAt(index);
    const next = window.charAt(index + 1);
    const nextIsSpace = next === ' ' || next === '\n' || next === '\t' || next === '\r';
    if (nextIsSpace && (character === '.' || character === '!' || character === '?' || character === ';'))
      return index;
    if (character === '\n' && next === '\n') return index;
  }
  return -1;
}

/**
 * The stretches of text a context-requiring recognizer must search: from each occurrence of a
 * context word to `reach` characters after it (context counts only for the few words after it),
 * merged and widened by one character on the left for `\b`. Candidates outside cannot have context.
 * Occurrences glued to a letter or digit on their left (`handler` for `dl`) are skipped: a context
 * word only counts at the start of a word (see {@link hasContext}).
 */
export function contextWindows(
  input: Pick<ScanInput, 'lowerText' | 'keywordHits' | 'sharedKeywords'>,
  index: KeywordIndex,
  reach = contextWindowWords * 16 + 64,
): { start: number; end: number }[] {
  const windows: { start: number; end: number }[] = [];
  const length = input.lowerText.length;
  index.forEachHitOf(
    input,
    (_keyword, hitStart, hitEnd) => {
      const start = hitStart > 0 ? hitStart - 1 : 0;
      const end = Math.min(length, hitEnd + reach);
      const last = windows[windows.length - 1];
      if (last !== undefined && start <= last.end) last.end = Math.max(last.end, end);
      else windows.push({ start, end });
      return true;
    },
    true,
  );
  return windows;
}
