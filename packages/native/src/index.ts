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
  type PathKind,
  persistenceDirectories,
  persistenceFiles,
  persistencePaths,
  type SkippedPath,
  sandboxEnvironment,
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
export type { SandboxPolicy } from './sandbox-policy.js';
export {
  collect,
  runSandboxed,
  type SandboxExit,
  type SandboxedProcess,
  type SandboxRunResult,
  type SpawnPlanOptions,
  type SpawnSandboxedOptions,
  spawnSandboxed,
  spawnWithPlan,
} from './spawn-sandboxed.js';
