/**
 * The parts of OpenClaw's plugin API (openclaw@2026.9.6) this plugin uses, typed structurally:
 * OpenClaw needs Node >= 24 and is not a dependency of this package, so its declarations are
 * mirrored here from `dist/agent-harness-runtime-*.d.ts` (names kept).
 */

/** Minimal file stat shape returned by sandbox fs bridge implementations. */
export interface SandboxFsStat {
  type: 'file' | 'directory' | 'other';
  size: number;
  mtimeMs: number;
}

/** A path as host, container and workspace-relative views. */
export interface SandboxResolvedPath {
  hostPath?: string;
  relativePath: string;
  containerPath: string;
}

/** OpenClaw's `SandboxFsBridge` (the operations this plugin implements). */
export interface SandboxFsBridge {
  readonly pathMappings?: readonly { readonly hostRoot: string; readonly containerRoot: string }[];
  resolvePath(params: { filePath: string; cwd?: string }): SandboxResolvedPath;
  readFile(params: {
    filePath: string;
    cwd?: string;
    signal?: AbortSignal;
    maxBytes?: number;
  }): Promise<Buffer>;
  writeFile(params: {
    filePath: string;
    cwd?: string;
    data: Buffer | string;
    encoding?: BufferEncoding;
    mkdir?: boolean;
    pinnedPath?: string;
    signal?: AbortSignal;
  }): Promise<void>;
  mkdirp(params: {
    filePath: string;
    cwd?: string;
    pinnedPath?: string;
    signal?: AbortSignal;
  }): Promise<void>;
  remove(params: {
    filePath: string;
    cwd?: string;
    recursive?: boolean;
    force?: boolean;
    pinnedPath?: string;
    signal?: AbortSignal;
  }): Promise<void>;
  rename(params: { from: string; to: string; cwd?: string; signal?: AbortSignal }): Promise<void>;
  stat(params: { filePath: string; cwd?: string; signal?: AbortSignal }): Promise<SandboxFsStat | null>;
}

/** Shell exec specification prepared by a sandbox backend (`SandboxBackendExecSpec`). */
export interface SandboxBackendExecSpec {
  argv: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  stdinMode: 'pipe-open' | 'pipe-closed';
  finalizeToken?: unknown;
}

/** `SandboxBackendCommandParams`. */
export interface SandboxBackendCommandParams {
  script: string;
  args?: string[];
  stdin?: Buffer | string;
  allowFailure?: boolean;
  signal?: AbortSignal;
}

/** `SandboxBackendCommandResult`. */
export interface SandboxBackendCommandResult {
  stdout: Buffer;
  stderr: Buffer;
  code: number;
}

/** `SandboxBackendHandle` (the members this backend provides). */
export interface SandboxBackendHandle {
  id: string;
  runtimeId: string;
  runtimeLabel: string;
  workdir: string;
  env?: Record<string, string>;
  configLabel?: string;
  configLabelKind?: string;
  capabilities?: { browser?: boolean; readOnlyResourceMounts?: boolean };
  buildExecSpec(params: {
    command: string;
    workdir?: string;
    env: Record<string, string>;
    usePty: boolean;
  }): Promise<SandboxBackendExecSpec>;
  finalizeExec?: (params: {
    status: 'completed' | 'failed';
    exitCode: number | null;
    timedOut: boolean;
    token?: unknown;
  }) => Promise<void>;
  runShellCommand(params: SandboxBackendCommandParams): Promise<SandboxBackendCommandResult>;
  createFsBridge?: (params: { sandbox: { workspaceDir: string } }) => SandboxFsBridge;
}

/** What OpenClaw passes a sandbox backend factory (the fields this backend reads). */
export interface SandboxBackendFactoryParams {
  workspaceDir: string;
  agentWorkspaceDir?: string;
  scopeKey: string;
  sessionKey?: string;
}

/** `before_tool_call` event. */
export interface BeforeToolCallEvent {
  toolName: string;
  params: Record<string, unknown>;
  toolCallId?: string;
  runId?: string;
}

/** `before_tool_call` result. */
export interface BeforeToolCallResult {
  params?: Record<string, unknown>;
  block?: boolean;
  blockReason?: string;
  requireApproval?: {
    title: string;
    description: string;
    severity?: 'info' | 'warning' | 'critical';
    timeoutMs?: number;
  };
}

/** One finding reported back to OpenClaw by `before_install`. */
export interface PluginInstallFinding {
  ruleId: string;
  severity: 'info' | 'warn' | 'critical';
  file: string;
  line: number;
  message: string;
}

/** `before_install` event (the fields this plugin reads). */
export interface BeforeInstallEvent {
  targetType: string;
  targetName: string;
  sourcePath: string;
  sourcePathKind?: string;
  origin?: string;
  plugin?: { pluginId: string; packageName?: string; version?: string };
  skill?: { installId: string; installSpec?: { kind?: string; package?: string } };
}

/** `before_install` result. */
export interface BeforeInstallResult {
  findings?: PluginInstallFinding[];
  block?: boolean;
  blockReason?: string;
}

/** A logger as OpenClaw hands it to plugins. */
export interface PluginLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug?(message: string): void;
}

/** A commander `Command`, as far as this plugin uses it. */
export interface CliCommand {
  command(name: string): CliCommand;
  description(text: string): CliCommand;
  option(flags: string, description?: string): CliCommand;
  argument(name: string, description?: string): CliCommand;
  action(handler: (...args: never[]) => void | Promise<void>): CliCommand;
}

/** Result of a chat slash command. */
export interface PluginCommandResult {
  text?: string;
}

/** The OpenClaw plugin API (`OpenClawPluginApi`), the members this plugin uses. */
export interface OpenClawPluginApi {
  readonly id: string;
  readonly registrationMode: string;
  readonly pluginConfig?: unknown;
  readonly config?: unknown;
  readonly logger: PluginLogger;
  resolvePath(input: string): string;
  on(
    hookName: string,
    handler: (event: never, context: never) => unknown,
    options?: { priority?: number; timeoutMs?: number },
  ): void;
  registerService(service: {
    id: string;
    start: (context: { stateDir: string; logger: PluginLogger }) => void | Promise<void>;
    stop?: (context: { stateDir: string; logger: PluginLogger }) => void | Promise<void>;
  }): void;
  registerCommand(command: {
    name: string;
    description: string;
    acceptsArgs?: boolean;
    handler: (context: {
      args?: string;
      commandBody?: string;
    }) => PluginCommandResult | Promise<PluginCommandResult>;
  }): void;
  registerCli(
    registrar: (context: { program: CliCommand }) => void | Promise<void>,
    options?: { descriptors?: { name: string; description: string; hasSubcommands: boolean }[] },
  ): void;
  registerTrustedToolPolicy?(policy: {
    id: string;
    description: string;
    evaluate: (
      event: BeforeToolCallEvent,
      context: unknown,
    ) => BeforeToolCallResult | undefined | Promise<BeforeToolCallResult | undefined>;
  }): void;
}
