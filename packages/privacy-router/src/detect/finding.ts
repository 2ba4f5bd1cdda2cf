import { type EntityType, entityTypes } from '@nemoclaw/policy';

/**
 * The closed list of entity types the detection engine reports: the policy's own list
 * (`entityTypes` of `@nemoclaw/policy`, which inference rules name), re-exported so that detector
 * and policy cannot drift apart.
 */
export { type EntityType, entityTypes };

/** One detected sensitive span in a text. Never carries the matched value itself. */
export interface Finding {
  /** What was found. */
  type: EntityType;
  /** For SECRET: the rule id (e.g. `aws-access-token`); for TERM: the term list name. */
  subtype?: string;
  /** UTF-16 offset of the first character (as JavaScript string indices). */
  start: number;
  /** UTF-16 offset one past the last character (exclusive). */
  end: number;
  /** Confidence from 0 to 1. */
  score: number;
  /** Name of the recognizer that produced the finding (e.g. `credit-card`, `gitleaks`). */
  detector: string;
}

/** Sensitivity levels, ordered from least to most sensitive. */
export const sensitivityLevels = ['none', 'low', 'medium', 'high'] as const;

/** How sensitive a set of findings is, see {@link sensitivityOf}. */
export type Sensitivity = (typeof sensitivityLevels)[number];

/**
 * The sensitivity each entity type contributes:
 * - high: credentials and identifiers that enable fraud or account takeover on their own
 *   (SECRET, CREDIT_CARD, IBAN, US_SSN, US_PASSPORT, US_DRIVER_LICENSE, CRYPTO) and TERM (the
 *   policy's own list of names it declared sensitive);
 * - medium: personal data that identifies or contacts a person (PERSON, EMAIL, PHONE,
 *   DATE_OF_BIRTH, LOCATION);
 * - low: technical or public identifiers (IP_ADDRESS, MAC_ADDRESS, URL, ORGANIZATION).
 */
export const entitySensitivity: Readonly<Record<EntityType, Exclude<Sensitivity, 'none'>>> = {
  SECRET: 'high',
  CREDIT_CARD: 'high',
  IBAN: 'high',
  US_SSN: 'high',
  US_PASSPORT: 'high',
  US_DRIVER_LICENSE: 'high',
  CRYPTO: 'high',
  TERM: 'high',
  PERSON: 'medium',
  EMAIL: 'medium',
  PHONE: 'medium',
  DATE_OF_BIRTH: 'medium',
  LOCATION: 'medium',
  IP_ADDRESS: 'low',
  MAC_ADDRESS: 'low',
  URL: 'low',
  ORGANIZATION: 'low',
};

/**
 * The sensitivity of a request: the highest level any finding contributes according to
 * {@link entitySensitivity}, or `none` when there are no findings.
 */
export function sensitivityOf(findings: readonly Finding[]): Sensitivity {
  let level = 0;
  for (const finding of findings) {
    const rank = sensitivityLevels.indexOf(entitySensitivity[finding.type]);
    if (rank > level) level = rank;
    if (level === 3) break;
  }
  return sensitivityLevels[level] ?? 'none';
}

/** True if `value` names an entity type of the closed list. */
export function isEntityType(value: string): value is EntityType {
  return (entityTypes as readonly string[]).includes(value);
}
