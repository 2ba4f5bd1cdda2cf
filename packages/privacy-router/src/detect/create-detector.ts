import { type EntityType, entityTypes, type Finding } from './finding.js';
import type { Recognizer, ScanInput } from './recognizer.js';
import { createCreditCardRecognizer } from './recognizers/credit-card.js';
import { createEmailRecognizer } from './recognizers/email.js';
import { resolveOverlaps } from './resolve-overlaps.js';

/** Options of {@link createDetector}. */
export interface DetectorOptions {
  /**
   * Policy term lists by name (customer names, code names ...), matched case-insensitively on
   * word boundaries; a match is reported as `TERM` with the list name as subtype.
   */
  terms?: Record<string, readonly string[]>;
  /** Only report these entity types (default: all). Recognizers of other types do not run. */
  entities?: readonly EntityType[];
  /** Drop findings scoring below this (default 0.5). */
  minScore?: number;
}

/** A configured detection engine. Create once, scan many texts; `scan` is synchronous and pure. */
export interface Detector {
  /**
   * Returns the findings in `text`, sorted by start offset, with overlaps resolved (the highest
   * score wins, then the longest span).
   */
  scan(text: string): Finding[];
}

/** The default minimum score of a reported finding. */
export const defaultMinScore = 0.5;

/**
 * Creates a detector with all built-in recognizers (or those of `options.entities`) plus the
 * policy term lists of `options.terms`.
 */
export function createDetector(options: DetectorOptions = {}): Detector {
  const wanted = new Set<EntityType>(options.entities ?? entityTypes);
  const minScore = options.minScore ?? defaultMinScore;
  const recognizers: Recognizer[] = [createEmailRecognizer(), createCreditCardRecognizer()].filter(
    (recognizer) => recognizer.entities.some((type) => wanted.has(type)),
  );
  return {
    scan(text: string): Finding[] {
      if (text.length === 0) return [];
      const input: ScanInput = { text, lowerText: text.toLowerCase() };
      const candidates: Finding[] = [];
      for (const recognizer of recognizers) {
        for (const finding of recognizer.scan(input)) {
          if (finding.score >= minScore && wanted.has(finding.type)) candidates.push(finding);
        }
      }
      return resolveOverlaps(candidates);
    },
  };
}
