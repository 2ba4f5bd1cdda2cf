import type { SandboxPolicy } from './sandbox-policy.js';

/**
 * The complete environment of the sandboxed command: the `process.env.allow` names taken from
 * `source` (exact names), then `process.env.set`. Nothing else.
 */
export function sandboxEnvironment(
  policy: SandboxPolicy,
  source: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const name of [...new Set(policy.process?.env?.allow ?? [])].sort()) {
    const value = source[name];
    if (value !== undefined && name !== '' && !name.includes('=')) environment[name] = value;
  }
  for (const [name, value] of Object.entries(policy.process?.env?.set ?? {})) environment[name] = value;
  return environment;
}
