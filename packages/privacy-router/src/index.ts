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
