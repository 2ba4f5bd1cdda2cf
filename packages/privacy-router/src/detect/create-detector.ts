import { releaseDigitStretches } from './digit-regions.js';
import { type EntityType, entityTypes, type Finding } from './finding.js';
import { KeywordIndex } from './keyword-index.js';
import { releaseSharedBytes } from './linear-regex.js';
import { createAddressRecognizer } from './ner/address.js';
import { createNamesRecognizer } from './ner/names.js';
import type { Recognizer, ScanInput } from './recognizer.js';
import { createUsDriverLicenseRecognizer, createUsPassportRecognizer } from './recognizers/context-id.js';
import { createCreditCardRecognizer } from './recognizers/credit-card.js';
import { createCryptoRecognizer } from './recognizers/crypto.js';
import { createDateOfBirthRecognizer } from './recognizers/date-of-birth.js';
import { createEmailRecognizer } from './recognizers/email.js';
import { createIbanRecognizer } from './recognizers/iban.js';
import { createIpAddressRecognizer } from './recognizers/ip-address.js';
import { createMacAddressRecognizer } from './recognizers/mac-address.js';
import { createPhoneRecognizer } from './recognizers/phone.js';
import { createSecretsRecognizer } from './recognizers/secrets.js';
import { createTermsRecognizer } from './recognizers/terms.js';
import { createUrlRecognizer } from './recognizers/url.js';
import { createUsSsnRecognizer } from './recognizers/us-ssn.js';
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
  const recognizers: Recognizer[] = [
    createSecretsRecognizer(),
    createCreditCardRecognizer(),
    createIbanRecognizer(),
    createUsSsnRecognizer(),
    createCryptoRecognizer(),
    createEmailRecognizer(),
    createPhoneRecognizer(),
    createIpAddressRecognizer(),
    createMacAddressRecognizer(),
    createUrlRecognizer(),
    createDateOfBirthRecognizer(),
    createUsDriverLicenseRecognizer(),
    createUsPassportRecognizer(),
    createNamesRecognizer(),
    createAddressRecognizer(),
    createTermsRecognizer(options.terms ?? {}),
  ].filter((recognizer) => recognizer.entities.some((type) => wanted.has(type)));
  // One pass over the text finds the keywords of every recognizer (secret rules' keywords,
  // context words) instead of one pass per recognizer.
  const sharedIndex = new KeywordIndex(
    recognizers.flatMap((recognizer) =>
      (recognizer.keywordIndexes ?? []).flatMap((index) => [...index.keywords]),
    ),
  );
  return {
    scan(text: string): Finding[] {
      if (text.length === 0) return [];
      const lowerText = lowerCaseSameLength(text);
      const input: ScanInput = {
        text,
        lowerText,
        keywordHits: sharedIndex.hits(lowerText),
        sharedKeywords: sharedIndex.keywords,
      };
      const candidates: Finding[] = [];
      try {
        for (const recognizer of recognizers) {
          for (const finding of recognizer.scan(input)) {
            if (finding.score >= minScore && wanted.has(finding.type)) candidates.push(finding);
          }
        }
      } finally {
        // The recognizers shared one UTF-8 copy of the text and its digit stretches; neither may
        // outlive the scan.
        releaseSharedBytes();
        releaseDigitStretches();
      }
      return resolveOverlaps(candidates);
    },
  };
}

/**
 * `text` lower-cased with every offset preserved: Unicode lower-casing when it keeps the length
 * (almost always), otherwise ASCII-only lower-casing.
 */
export function lowerCaseSameLength(text: string): string {
  const lower = text.toLowerCase();
  if (lower.length === text.length) return lower;
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}
