/**
 * OCSF event types and builders, and a tamper-evident hash-chained local audit log.
 *
 * @packageDocumentation
 */

export { AuditError, type AuditErrorCode, SecretInFieldError } from './audit-error.js';
export { canonicalJson, type JsonValue } from './canonical-json.js';
export { listLogFiles, rotatedPath } from './log/audit-log-files.js';
export { AuditLog, type AuditLogOptions, type FsyncPolicy } from './log/audit-log-writer.js';
export { type AuditRecord, computeRecordHash, genesisHash, hashDomain } from './log/audit-record.js';
export { type FollowOptions, followAuditLog } from './log/follow-audit-log.js';
export { type AuditLogLine, readAuditLogLines, tailAuditLog } from './log/read-audit-log.js';
export {
  type AuditVerifyFailureCode,
  type AuditVerifyOptions,
  type AuditVerifyResult,
  describeVerifyFailure,
  verifyAuditLog,
} from './log/verify-audit-log.js';
export type { EventOptions } from './ocsf/base-event.js';
export {
  ActionId,
  DispositionId,
  ocsfSchemaVersion,
  productName,
  productVersion,
  SeverityId,
  StatusId,
} from './ocsf/constants.js';
export { buildDetectionFinding, type DetectionFindingInput } from './ocsf/detection-finding.js';
export { buildHttpActivityEvent, type HttpActivityInput, type HttpDecision } from './ocsf/http-activity.js';
export {
  buildInferenceActivityEvent,
  type InferenceActivityInput,
  type InferenceRoute,
} from './ocsf/inference-activity.js';
export type { EndpointInput, ProcessInput } from './ocsf/inputs.js';
export {
  buildNetworkActivityEvent,
  type NetworkActivityInput,
  type NetworkOutcome,
} from './ocsf/network-activity.js';
export {
  buildPolicyChangeEvent,
  type PolicyChangeInput,
  type PolicyChangeKind,
} from './ocsf/policy-change.js';
export {
  buildProcessLaunchEvent,
  buildProcessTerminateEvent,
  type ProcessLaunchInput,
  type ProcessTerminateInput,
} from './ocsf/process-activity.js';
export type {
  DetectionFindingEvent,
  HttpActivityEvent,
  InferenceActivityEvent,
  NemoclawOcsfEvent,
  NetworkActivityEvent,
  OcsfBaseEvent,
  OcsfMetadata,
  PolicyChangeEvent,
  ProcessActivityEvent,
} from './ocsf/types.js';
export { assertNoSecret, findSecret, redactSecrets } from './redaction-guard.js';
