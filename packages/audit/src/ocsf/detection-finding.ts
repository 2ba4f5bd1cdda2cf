import { randomUUID } from 'node:crypto';
import { assertNoSecret } from '../redaction-guard.js';
import {
  createBaseEvent,
  type EventOptions,
  type OcsfClassIdentity,
  withoutUndefined,
} from './base-event.js';
import { ActionId, DispositionId, type SeverityId } from './constants.js';
import { type EndpointInput, type ProcessInput, toOcsfEndpoint, toOcsfProcess } from './inputs.js';
import type { DetectionFindingEvent } from './types.js';

const detectionFinding: OcsfClassIdentity = {
  classUid: 2004,
  className: 'Detection Finding',
  categoryUid: 2,
  categoryName: 'Findings',
};

/** Input of {@link buildDetectionFinding}. */
export interface DetectionFindingInput extends EventOptions {
  /** Short title, e.g. `Sandbox escape attempt: connect to docker.sock`. */
  title: string;
  /** Longer description (no secrets). */
  description?: string;
  /** Finding types, e.g. `['sandbox-violation']`. */
  types?: readonly string[];
  severityId: SeverityId;
  /** The rule that detected it, e.g. `seccomp:socket(AF_UNIX)` or `policy:deny_rules[0]`. */
  rule: { name: string; uid?: string };
  /** Whether the protection blocked the attempt (default true). */
  blocked?: boolean;
  /** Stable id of the finding; a random UUID unless given (updates reuse it). */
  findingUid?: string;
  /** Evidence: the process that tried, and what it tried to reach. */
  evidence?: { process?: ProcessInput; destination?: EndpointInput; path?: string };
}

/**
 * Builds a Detection Finding (2004, activity 1 Create, `status_id` 1 New) for a policy violation
 * or escape attempt. `is_alert` is true; `action_id`/`disposition_id` say whether it was blocked.
 */
export function buildDetectionFinding(input: DetectionFindingInput): DetectionFindingEvent {
  const blocked = input.blocked ?? true;
  const base = createBaseEvent(
    {
      identity: detectionFinding,
      activityId: 1,
      activityName: 'Create',
      severityId: input.severityId,
      actionId: blocked ? ActionId.Denied : ActionId.Observed,
      dispositionId: blocked ? DispositionId.Blocked : DispositionId.Detected,
      profiles: ['security_control'],
    },
    input,
  );
  const evidence = input.evidence;
  const path = evidence?.path;
  return withoutUndefined({
    ...base,
    class_uid: 2004,
    status_id: 1,
    status: 'New',
    is_alert: true,
    confidence_id: 3,
    confidence: 'High',
    finding_info: {
      uid: input.findingUid ?? randomUUID(),
      title: assertNoSecret('finding_info.title', input.title),
      desc:
        input.description === undefined ? undefined : assertNoSecret('finding_info.desc', input.description),
      types: input.types === undefined ? undefined : [...input.types],
      created_time: base.time,
      analytic: { name: input.rule.name, uid: input.rule.uid, type_id: 1, type: 'Rule' },
    },
    evidences:
      evidence === undefined
        ? undefined
        : [
            {
              process:
                evidence.process === undefined ? undefined : toOcsfProcess(evidence.process, input.sandbox),
              dst_endpoint:
                evidence.destination === undefined
                  ? undefined
                  : toOcsfEndpoint('evidence.destination', evidence.destination),
              file:
                path === undefined
                  ? undefined
                  : { name: path.split('/').filter(Boolean).pop() ?? path, path, type_id: 0 },
            },
          ],
  });
}
