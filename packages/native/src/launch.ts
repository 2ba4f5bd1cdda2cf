// `@nemoclaw/native/launch`: starting the launcher with a plan that is already built, without the
// plan schema or any policy code (no zod). `nemoclaw run` loads only this on a plan-cache hit.

export { launcherExitCodes, setupStageOfExitCode } from './exit-codes.js';
export type { LaunchPlan, PlanBridge } from './launch-plan.js';
export {
  type LauncherLocateOptions,
  launcherCandidates,
  launcherFileName,
  locateLauncher,
} from './locate-launcher.js';
export {
  NativeError,
  type NativeErrorCode,
  SandboxSetupError,
  type SandboxSetupStage,
} from './native-error.js';
export { inspectPathOnDisk, type PathKind } from './path-kind.js';
export { sandboxEnvironment } from './sandbox-environment.js';
export type { SandboxPolicy } from './sandbox-policy.js';
export {
  collect,
  type SandboxExit,
  type SandboxedProcess,
  type SandboxRunResult,
  type SpawnPlanOptions,
  spawnWithPlan,
} from './spawn-with-plan.js';
