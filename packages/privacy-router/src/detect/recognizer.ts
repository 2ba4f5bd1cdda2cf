import type { EntityType, Finding } from './finding.js';
import type { KeywordHit, KeywordIndex } from './keyword-index.js';

/** The text being scanned plus derived views shared by all recognizers of one scan. */
export interface ScanInput {
  /** The original text; finding offsets index into it. */
  text: string;
  /** `text` lower-cased (same length for the characters recognizers care about), for keyword prefilters. */
  lowerText: string;
  /**
   * Every occurrence of the keywords of {@link sharedKeywords} in `lowerText`, by start, found in
   * one pass for all recognizers of the scan (see {@link KeywordIndex.forEachHitOf}).
   */
  keywordHits?: readonly KeywordHit[];
  /** The keywords {@link keywordHits} covers. */
  sharedKeywords?: ReadonlySet<string>;
}

/** One detection layer: finds candidate spans of some entity types in a text. */
export interface Recognizer {
  /** Stable name reported as {@link Finding.detector}. */
  readonly name: string;
  /** The entity types it can report, so that a detector restricted to some types can skip it. */
  readonly entities: readonly EntityType[];
  /** Returns candidate findings (overlaps allowed; the detector resolves them). */
  scan(input: ScanInput): Finding[];
  /** The keyword indexes the recognizer searches the whole text with, so the detector can run them as one pass. */
  readonly keywordIndexes?: readonly KeywordIndex[];
}
