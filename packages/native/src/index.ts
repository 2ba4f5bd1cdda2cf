/**
 * TypeScript face of the `nemoclaw-sandbox-exec` launcher: kernel feature probe, launch-plan
 * serialisation, sandboxed spawn.
 *
 * @packageDocumentation
 */

export { buildLauncherFromSource, nativeSourceDir } from './build-launcher.js';
export {
  alwaysDenied,
  type BuildPlanOptions,
  type BuiltPlan,
  buildPlan,
  expandPath,
  landlockAbiRequiredBy,
  persistenceDirectories,
  persistenceFiles,
  persistencePaths,
  type SkippedPath,
} from './build-plan.js';
export { launcherExitCodes, launcherLinePrefix, setupStageOfExitCode } from './exit-codes.js';
export {
  type LandlockAccess,
  type LandlockPathRule,
  type LaunchPlan,
  launchPlanSchema,
  type PlanBridge,
} from './launch-plan.js';
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
export {
  launcherProbeSchema,
  type NamespaceName,
  type ProbeCapability,
  type ProbeOptions,
  type ProbeReport,
  parseProbeOutput,
  probe,
  resolveAbiOverride,
} from './probe.js';
export { sandboxEnvironment } from './sandbox-environment.js';
export type { SandboxPolicy } from './sandbox-policy.js';
export { runSandboxed, type SpawnSandboxedOptions, spawnSandboxed } from './spawn-sandboxed.js';
export {
  collect,
  type SandboxExit,
  type SandboxedProcess,
  type SandboxRunResult,
  type SpawnPlanOptions,
  spawnWithPlan,
} from './spawn-with-plan.js';
