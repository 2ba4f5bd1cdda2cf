/**
 * The closed list of entity types the privacy router detects and inference rules can name in
 * `when.entities`. Adding a type is a schema change: detectors and rules must agree on the names.
 */
export const entityTypes = [
  'CREDIT_CARD',
  'IBAN',
  'US_SSN',
  'PHONE',
  'EMAIL',
  'IP_ADDRESS',
  'CRYPTO',
  'DATE_OF_BIRTH',
  'PERSON',
  'LOCATION',
  'ORGANIZATION',
  'SECRET',
  'TERM',
  'URL',
  'US_DRIVER_LICENSE',
  'US_PASSPORT',
  'MAC_ADDRESS',
] as const;

/** One of the {@link entityTypes}. */
export type EntityType = (typeof entityTypes)[number];
