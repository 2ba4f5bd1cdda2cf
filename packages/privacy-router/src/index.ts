/**
 * Sensitive-data detection, routing of model calls by sensitivity, reversible redaction, OpenAI/Anthropic-compatible proxy.
 *
 * @packageDocumentation
 */

/** The package name, for diagnostics. */
export const packageName = '@nemoclaw/privacy-router';

export {
  createDetector,
  type Detector,
  type DetectorOptions,
  defaultMinScore,
} from './detect/create-detector.js';
export {
  type EntityType,
  entitySensitivity,
  entityTypes,
  type Finding,
  isEntityType,
  type Sensitivity,
  sensitivityLevels,
  sensitivityOf,
} from './detect/finding.js';
export {
  type RequestApi,
  type RequestFinding,
  type RequestScanResult,
  requestApis,
  type ScanRequestOptions,
  scanRequest,
} from './detect/scan-request.js';
export type { GitleaksAllowlist, GitleaksRule } from './detect/secrets/gitleaks-rule.js';
export { gitleaksGlobalAllowlist, gitleaksRules } from './detect/secrets/gitleaks-rules.generated.js';
export { PrivacyRouterError, type PrivacyRouterErrorCode } from './privacy-router-error.js';
export {
  type RequestScan,
  type RouterFinding,
  redactRequest,
  scanRequestTexts,
} from './redact/redact-request.js';
export { redactText } from './redact/redact-text.js';
export { RedactionVault } from './redact/redaction-vault.js';
export { createEventStreamRestorer } from './redact/restore-event-stream.js';
export { restoreJson } from './redact/restore-json.js';
export { type RestoreMode, restoreText } from './redact/restore-text.js';
export { StreamingRestorer } from './redact/streaming-restorer.js';
export { type ClientApi, conversationHeader, conversationIdOf } from './route/conversation-id.js';
export {
  type ConversationRouteState,
  countEntities,
  type DecideRouteOptions,
  decideLocalUnavailable,
  decideRoute,
  formatRouteReason,
  type RouteDecision,
  type RouteReason,
} from './route/decide-route.js';
export {
  defaultProviderApis,
  type ProviderApi,
  type ProviderKind,
  providerApis,
  type RouterInferencePolicy,
  type RouterInferenceProvider,
  type RouterInferenceRule,
  type RouterInferenceRuleCondition,
  type RouterInferenceTermList,
} from './route/policy-types.js';
export { type ResolvedProvider, resolveProviders } from './route/resolve-providers.js';
export { type CachingDetectorOptions, createCachingDetector } from './server/caching-detector.js';
export type { ErrorFormat, RouterErrorCode } from './server/client-errors.js';
export {
  createRouter,
  defaultRouterLimits,
  type PrivacyRouter,
  type RouterAddress,
  type RouterOptions,
} from './server/create-router.js';
export type { DecisionListener, RouteDecisionEvent } from './server/decision-event.js';
export { type DecisionOcsfOptions, decisionToOcsfEvent } from './server/ocsf-event.js';
export type { RouterLogger } from './server/router-logger.js';
export type { RouterLimits } from './server/router-runtime.js';
export type { RouterStatus } from './server/router-status.js';
