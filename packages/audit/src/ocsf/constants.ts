/** The OCSF schema version every event declares in `metadata.version`. */
export const ocsfSchemaVersion = '1.8.0';

/** `metadata.product.name` and `vendor_name` of every event NemoClaw emits. */
export const productName = 'NemoClaw';

/** The version NemoClaw reports in `metadata.product.version` unless a caller overrides it. */
export const productVersion = '0.0.0';

/** OCSF `severity_id` values (base event). */
export const SeverityId = {
  Unknown: 0,
  Informational: 1,
  Low: 2,
  Medium: 3,
  High: 4,
  Critical: 5,
  Fatal: 6,
  Other: 99,
} as const;
/** One OCSF `severity_id`. */
export type SeverityId = (typeof SeverityId)[keyof typeof SeverityId];

/** OCSF `status_id` values of activity events (base event). */
export const StatusId = { Unknown: 0, Success: 1, Failure: 2, Other: 99 } as const;
/** One activity `status_id`. */
export type StatusId = (typeof StatusId)[keyof typeof StatusId];

/** OCSF `action_id` values (Security Control profile). */
export const ActionId = { Unknown: 0, Allowed: 1, Denied: 2, Observed: 3, Modified: 4, Other: 99 } as const;
/** One `action_id`. */
export type ActionId = (typeof ActionId)[keyof typeof ActionId];

/** The OCSF `disposition_id` values NemoClaw uses (Security Control profile). */
export const DispositionId = {
  Unknown: 0,
  Allowed: 1,
  Blocked: 2,
  Corrected: 11,
  Detected: 15,
  Logged: 17,
  Alert: 19,
  Rejected: 25,
  Error: 27,
  Other: 99,
} as const;
/** One `disposition_id`. */
export type DispositionId = (typeof DispositionId)[keyof typeof DispositionId];

/** Captions of the enum values above, as OCSF spells them (used for the sibling string fields). */
export const severityCaption: Readonly<Record<SeverityId, string>> = {
  0: 'Unknown',
  1: 'Informational',
  2: 'Low',
  3: 'Medium',
  4: 'High',
  5: 'Critical',
  6: 'Fatal',
  99: 'Other',
};
/** Captions of {@link StatusId}. */
export const statusCaption: Readonly<Record<StatusId, string>> = {
  0: 'Unknown',
  1: 'Success',
  2: 'Failure',
  99: 'Other',
};
/** Captions of {@link ActionId}. */
export const actionCaption: Readonly<Record<ActionId, string>> = {
  0: 'Unknown',
  1: 'Allowed',
  2: 'Denied',
  3: 'Observed',
  4: 'Modified',
  99: 'Other',
};
/** Captions of {@link DispositionId}. */
export const dispositionCaption: Readonly<Record<DispositionId, string>> = {
  0: 'Unknown',
  1: 'Allowed',
  2: 'Blocked',
  11: 'Corrected',
  15: 'Detected',
  17: 'Logged',
  19: 'Alert',
  25: 'Rejected',
  27: 'Error',
  99: 'Other',
};
