import type { Policy } from '@nemoclaw/policy';
import { NemoclawCliError } from '../cli-error.js';

/** Options every policy subcommand that loads a file accepts. */
export interface PolicyLoadCliOptions {
  workdir?: string;
  policiesDir?: string;
}

/** Loads and validates `file` (resolving `extends`), or throws a {@link NemoclawCliError} listing every problem. */
export async function loadPolicyForCli(file: string, options: PolicyLoadCliOptions): Promise<Policy> {
  const { loadPolicyFile } = await import('@nemoclaw/policy');
  const result = loadPolicyFile(file, { workdir: options.workdir, policiesDir: options.policiesDir });
  if (!result.ok)
    throw new NemoclawCliError('INVALID_POLICY', `invalid policy:\n${result.error.message}`, { exitCode: 1 });
  return result.value;
}
