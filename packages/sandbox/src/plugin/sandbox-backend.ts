import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { SandboxError } from '../sandbox-error.js';
import type {
  SandboxBackendCommandParams,
  SandboxBackendCommandResult,
  SandboxBackendFactoryParams,
  SandboxBackendHandle,
} from './openclaw-types.js';
import type { PluginRuntime } from './plugin-runtime.js';
import { createSandboxFsBridge } from './sandbox-fs-bridge.js';
import {
  launcherArgv,
  planCommand,
  removePlanFile,
  removeStalePlanFiles,
  runPlanned,
  sharedPlanCache,
  writePlanFile,
} from './sandboxed-command.js';

/** Options of {@link createNemoclawSandbox}. */
export interface NemoclawSandboxOptions {
  /**
   * Reuse launch plans across commands (default true): built once per policy, workdir and
   * environment, re-checked against the file system before each use, never reused after the
   * policy is re-applied. `false` builds every plan afresh (for comparisons).
   */
  readonly reusePlans?: boolean;
}

/** The backend id to put in `agents.defaults.sandbox.backend`. */
export const nemoclawBackendId = 'nemoclaw';

/** What `finalizeExec` gets back for one exec. */
interface ExecToken {
  readonly planPath: string;
  readonly command: string;
  readonly cwd: string;
}

function isExecToken(value: unknown): value is ExecToken {
  return (
    typeof value === 'object' && value !== null && 'planPath' in value && typeof value.planPath === 'string'
  );
}

/** One exec's exit, waiting to be audited. */
interface ExitRecord {
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly exitCode: number | null;
}

/** Exit records of the current event-loop turn, per runtime. */
const pendingExits = new WeakMap<PluginRuntime, ExitRecord[]>();

/**
 * Audits an exec's exit at the end of the current event-loop turn (`setImmediate`) instead of on
 * OpenClaw's path to the result: the record costs a canonical JSON, a SHA-256 and a `write(2)`,
 * 0.1-1 ms right after a process exits. The records of one turn are appended in call order, so the
 * hash chain is the same as with awaited appends. Not lost: the pending immediate keeps the event
 * loop alive (a natural exit waits for it) and runs within one turn of `finalizeExec`; a record that
 * comes after `PluginRuntime.close()` is still appended (the log is reopened and its chain resumed;
 * tested). Only a synchronous `process.exit()` in the very turn of `finalizeExec` would drop it.
 */
function recordExitSoon(runtime: PluginRuntime, record: ExitRecord): void {
  let batch = pendingExits.get(runtime);
  if (batch === undefined) {
    const records: ExitRecord[] = [];
    batch = records;
    pendingExits.set(runtime, records);
    setImmediate(() => {
      pendingExits.delete(runtime);
      for (const pending of records) {
        void runtime.recordExit(pending.argv, pending.cwd, pending.exitCode).catch(() => undefined);
      }
    });
  }
  batch.push(record);
}

/** The launcher's own environment (it replaces it with the plan's for the command). */
const launcherEnvironment: NodeJS.ProcessEnv = { PATH: '/usr/bin:/bin', LANG: 'C' };

/**
 * Creates the `nemoclaw` sandbox backend handle for one OpenClaw sandbox scope: every `exec` runs
 * `nemoclaw-sandbox-exec` with a plan built from the policy (Landlock, namespaces, seccomp, the
 * egress bridge), `runShellCommand` does the same for OpenClaw's helper scripts, and the file
 * tools go through {@link createSandboxFsBridge}. The sandbox's workdir is OpenClaw's workspace
 * directory for the scope (granted read+write when the policy has `include_workdir: true`).
 *
 * Fails closed: when the sandbox cannot be applied (launcher missing, probe fails, policy
 * invalid), creating the handle throws with the reason, and so does every later exec.
 */
export async function createNemoclawSandbox(
  runtime: PluginRuntime,
  params: SandboxBackendFactoryParams,
  options: NemoclawSandboxOptions = {},
): Promise<SandboxBackendHandle> {
  const workdir = resolve(params.workspaceDir);
  const plans = options.reusePlans === false ? null : sharedPlanCache;
  const ready = await runtime.readiness();
  if (!ready.ok) {
    await runtime.recordDenial('tool', `sandbox for ${params.scopeKey} refused: ${ready.reason}`);
    throw new SandboxError(
      'plugin-sandbox-unavailable',
      `NemoClaw sandbox cannot be applied: ${ready.reason}`,
    );
  }
  removeStalePlanFiles(runtime);
  const runtimeId = `nemoclaw-${createHash('sha256').update(`${params.scopeKey}\0${workdir}`).digest('hex').slice(0, 16)}`;

  const requireReady = async () => {
    const current = await runtime.readiness();
    if (!current.ok) {
      await runtime.recordDenial('tool', `exec blocked: ${current.reason}`);
      throw new SandboxError('plugin-sandbox-unavailable', `NemoClaw blocked exec: ${current.reason}`);
    }
    await runtime.egress();
    return current;
  };

  return {
    id: nemoclawBackendId,
    runtimeId,
    runtimeLabel: `nemoclaw kernel sandbox (${workdir})`,
    workdir,
    configLabel: ready.policyPath,
    configLabelKind: 'Policy',
    capabilities: { browser: false, readOnlyResourceMounts: false },

    async buildExecSpec({ command, workdir: commandDirectory, env }) {
      const current = await requireReady();
      const cwd = commandDirectory === undefined ? workdir : resolve(workdir, commandDirectory);
      const plan = planCommand(
        runtime,
        current,
        {
          scope: 'exec',
          argv: ['/bin/sh', '-c', command],
          workdir,
          cwd,
          env: { ...env, HOME: env.HOME ?? runtime.home },
        },
        plans,
      );
      const planPath = writePlanFile(runtime, plan);
      const token: ExecToken = { planPath, command, cwd };
      return {
        argv: launcherArgv(current.launcherPath, planPath),
        env: launcherEnvironment,
        stdinMode: 'pipe-closed',
        finalizeToken: token,
      };
    },

    async finalizeExec({ exitCode, token }) {
      if (!isExecToken(token)) return;
      removePlanFile(token.planPath);
      recordExitSoon(runtime, { argv: ['/bin/sh', '-c', token.command], cwd: token.cwd, exitCode });
    },

    async runShellCommand(command: SandboxBackendCommandParams): Promise<SandboxBackendCommandResult> {
      const current = await requireReady();
      const plan = planCommand(
        runtime,
        current,
        {
          scope: 'exec',
          argv: ['/bin/sh', '-c', command.script, 'nemoclaw-sh', ...(command.args ?? [])],
          workdir,
          env: runtime.env,
        },
        plans,
      );
      const output = await runPlanned(current.launcherPath, plan, {
        ...(command.stdin === undefined ? {} : { stdin: command.stdin }),
        ...(command.signal === undefined ? {} : { signal: command.signal }),
      });
      if (output.code !== 0 && command.allowFailure !== true) {
        const detail = output.stderr.toString('utf8').trim();
        throw new SandboxError(
          'plugin-command-failed',
          `sandboxed command failed with exit ${output.code}${detail === '' ? '' : `: ${detail}`}`,
        );
      }
      return { stdout: output.stdout, stderr: output.stderr, code: output.code };
    },

    createFsBridge: () => createSandboxFsBridge(runtime, workdir, plans),
  };
}
