import { z } from 'zod';
import { SandboxError } from '../sandbox-error.js';
import type { SupervisorRequest } from './supervisor.js';

const supervisorRequestSchema = z
  .object({
    name: z.string(),
    home: z.string().startsWith('/'),
    policyFile: z.string().startsWith('/'),
    workdir: z.string().startsWith('/'),
    command: z.array(z.string()).min(1),
    launcherPath: z.string().optional(),
    stopTimeoutMs: z.number().int().nonnegative().optional(),
  })
  .strict();

/** Parses the JSON request a supervisor reads on stdin. Never throws. */
export function parseSupervisorRequest(
  text: string,
):
  | { readonly ok: true; readonly value: SupervisorRequest }
  | { readonly ok: false; readonly error: SandboxError } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      error: new SandboxError('sandbox-start-failed', 'the supervisor request is not JSON', { cause: error }),
    };
  }
  const checked = supervisorRequestSchema.safeParse(parsed);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    return {
      ok: false,
      error: new SandboxError(
        'sandbox-start-failed',
        `bad supervisor request: ${issue === undefined ? 'invalid' : `${issue.path.join('.')}: ${issue.message}`}`,
      ),
    };
  }
  return { ok: true, value: checked.data };
}
