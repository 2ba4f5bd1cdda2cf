import type { SandboxSetupStage } from './native-error.js';

/** The launcher's documented exit codes (native/PLAN.md); any other code is the command's own. */
export const launcherExitCodes = {
  /** Bad plan: parse error, unknown key, wrong type. */
  badPlan: 120,
  /** A namespace could not be created (includes the AppArmor user-namespace restriction). */
  namespaces: 121,
  /** Mount setup failed (proc, tmp, a deny mask). */
  mounts: 122,
  /** Landlock unavailable, or lacks what the plan needs under `hard_requirement`. */
  landlock: 123,
  /** The seccomp filter could not be built or installed. */
  seccomp: 124,
  /** Other setup failure (rlimit, capabilities, pty, bridge). */
  setup: 125,
  /** The command was found but is not executable. */
  notExecutable: 126,
  /** The command was not found. */
  notFound: 127,
} as const;

const stages: Readonly<Record<number, SandboxSetupStage>> = {
  120: 'plan',
  121: 'namespaces',
  122: 'mounts',
  123: 'landlock',
  124: 'seccomp',
  125: 'setup',
};

/** The setup stage a launcher exit code stands for, or `undefined` for codes outside 120-125. */
export function setupStageOfExitCode(code: number): SandboxSetupStage | undefined {
  return stages[code];
}

/** The prefix of every line the launcher itself writes to stderr. */
export const launcherLinePrefix = 'nemoclaw-sandbox-exec: ';
