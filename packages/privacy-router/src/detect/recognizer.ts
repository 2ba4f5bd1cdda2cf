import type { EntityType, Finding } from './finding.js';

/** The text being scanned plus derived views shared by all recognizers of one scan. */
export interface ScanInput {
  /** The original text; finding offsets index into it. */
  text: string;
  /** `text` lower-cased (same length for the characters recognizers care about), for keyword prefilters. */
  lowerText: string;
}

/** One detection layer: finds candidate spans of some entity types in a text. */
export interface Recognizer {
  /** Stable name reported as {@link Finding.detector}. */
  readonly name: string;
  /** The entity types it can report, so that a detector restricted to some types can skip it. */
  readonly entities: readonly EntityType[];
  /** Returns candidate findings (overlaps allowed; the detector resolves them). */
  scan(input: ScanInput): Finding[];
}
