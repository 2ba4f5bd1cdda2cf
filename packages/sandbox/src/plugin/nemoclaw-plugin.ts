import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { evaluateInstall } from './install-guard.js';
import type {
  BeforeInstallEvent,
  BeforeToolCallEvent,
  CliCommand,
  OpenClawPluginApi,
  SandboxBackendFactoryParams,
  SandboxBackendHandle,
} from './openclaw-types.js';
import {
  type PluginConfig,
  parsePluginConfig,
  pluginConfigJsonSchema,
  routerConfigPatch,
} from './plugin-config.js';
import { PluginRuntime, sharedPluginRuntime } from './plugin-runtime.js';
import { createNemoclawSandbox, nemoclawBackendId } from './sandbox-backend.js';
import { formatDenials, formatStatus, statusReport } from './status-report.js';
import { evaluateToolCall, sandboxSettingsOf } from './tool-guard.js';

/** The plugin id (equal to `id` in openclaw.plugin.json). */
export const nemoclawPluginId = 'nemoclaw';

/** The id of the trusted tool policy (listed in the manifest's `contracts.trustedToolPolicies`). */
export const toolPolicyId = 'nemoclaw-sandbox-guard';

/** OpenClaw's `registerSandboxBackend` from `openclaw/plugin-sdk/sandbox`, injected by the entry. */
export type RegisterSandboxBackend = (
  id: string,
  registration: { factory: (params: SandboxBackendFactoryParams) => Promise<SandboxBackendHandle> },
) => () => void;

/** What {@link createNemoclawPlugin} needs from the host. */
export interface NemoclawPluginHost {
  readonly registerSandboxBackend: RegisterSandboxBackend;
}

/** The plugin object OpenClaw loads (`{ id, name, description, configSchema, register }`). */
export interface NemoclawPlugin {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly configSchema: Record<string, unknown>;
  register(api: OpenClawPluginApi): void;
}

/**
 * The registration modes whose registry OpenClaw consults for tool calls. `openclaw agent --local`
 * and the gateway's agent runs use a non-activating `discovery` registry (openclaw@2026.9.6:
 * `withAgentPluginRegistry` → `loadAgentRuntimePluginRegistryHandle`), not the `full` one loaded at
 * startup, and `tool-discovery` loads run tools too. Hooks and trusted tool policies are capability
 * handlers OpenClaw accepts in all three modes; registering them starts nothing.
 */
export const guardRegistrationModes: readonly string[] = ['full', 'discovery', 'tool-discovery'];

/**
 * Builds the NemoClaw OpenClaw plugin. `register` is synchronous. In every mode it validates the
 * config and registers the CLI. In `full`, `discovery` and `tool-discovery` modes (see
 * {@link guardRegistrationModes}) it also registers, free of side effects:
 *
 * a `before_tool_call` hook and a trusted tool policy that block exec and file tools when the
 * sandbox cannot be applied (fail closed), and ask for approval where configured.
 *
 * Only in `full` mode does it register what lives with the process:
 *
 * - the `nemoclaw` sandbox backend (every exec and file tool runs under `nemoclaw-sandbox-exec`);
 * - a `before_install` hook that reports installs and can refuse install scripts;
 * - a service owning the egress proxy and audit log for the process's lifetime;
 * - the `/nemoclaw` chat command.
 *
 * Every registration of one process with the same config shares one runtime (audit log, proxy).
 */
export function createNemoclawPlugin(host: NemoclawPluginHost): NemoclawPlugin {
  return {
    id: nemoclawPluginId,
    name: 'NemoClaw',
    description:
      'Runs every exec and file tool in the NemoClaw kernel sandbox (Landlock, seccomp, namespaces) with a policy egress proxy and an audit log.',
    configSchema: pluginConfigJsonSchema(),
    register(api) {
      const parsed = parsePluginConfig(api.pluginConfig);
      const config: PluginConfig = parsed.ok ? parsed.value : { mode: 'all' };
      const unavailableReason = parsed.ok ? undefined : `invalid plugin config: ${parsed.error}`;
      // An invalid config gets a runtime of its own that is never ready (fail closed).
      const runtime = sharedPluginRuntime(runtimeKey(config, unavailableReason), () => {
        return new PluginRuntime({
          config,
          resolvePath: configPathResolver(),
          ...(unavailableReason === undefined ? {} : { unavailableReason }),
        });
      });
      registerCli(api, runtime);
      if (!guardRegistrationModes.includes(api.registrationMode)) return;
      const guardRuntime = runtime;
      registerToolGuard(api, guardRuntime);
      if (api.registrationMode !== 'full') return;
      if (!parsed.ok)
        api.logger.error(`nemoclaw: invalid plugin config, exec and file tools are blocked: ${parsed.error}`);

      host.registerSandboxBackend(nemoclawBackendId, {
        factory: (params) => createNemoclawSandbox(guardRuntime, params),
      });
      api.on('before_install', ((event: BeforeInstallEvent) =>
        evaluateInstall(guardRuntime, event)) as never);

      api.registerService({
        id: 'nemoclaw-egress',
        start: async ({ logger }) => {
          const ready = await guardRuntime.readiness();
          if (!ready.ok) {
            logger.error(`nemoclaw: sandbox unavailable, exec and file tools are blocked: ${ready.reason}`);
            return;
          }
          await guardRuntime.egress();
          logger.info(
            `nemoclaw: egress proxy on ${guardRuntime.proxySocketPath}, audit log ${guardRuntime.auditLogPath}`,
          );
        },
        stop: () => guardRuntime.close(),
      });

      api.registerCommand({
        name: 'nemoclaw',
        description: 'NemoClaw sandbox: status, policy, denials',
        acceptsArgs: true,
        handler: async ({ args }) => {
          const report = await statusReport(guardRuntime);
          const topic = (args ?? '').trim().split(/\s+/)[0] ?? '';
          if (topic === 'policy') return { text: `policy: ${report.policy}\nmode: ${report.mode}` };
          if (topic === 'denials') return { text: formatDenials(report) };
          return { text: `${formatStatus(report)}\n\nRecent denials:\n${formatDenials(report)}` };
        },
      });
    },
  };
}

/**
 * The `before_tool_call` hook (blocks and approvals) and the trusted tool policy (blocks only: an
 * approval would otherwise be asked twice). OpenClaw runs trusted policies first; a block there
 * ends the call before ordinary hooks. Both fail closed: a thrown error or a timeout blocks.
 */
function registerToolGuard(api: OpenClawPluginApi, runtime: PluginRuntime): void {
  const settings = sandboxSettingsOf(api.config);
  const evaluate = (event: BeforeToolCallEvent) => evaluateToolCall(runtime, settings, event);
  api.on('before_tool_call', ((event: BeforeToolCallEvent) => evaluate(event)) as never, {
    priority: 1000,
  });
  if (typeof api.registerTrustedToolPolicy === 'function') {
    api.registerTrustedToolPolicy({
      id: toolPolicyId,
      description: 'Blocks exec and file tools when the NemoClaw sandbox cannot be applied.',
      evaluate: async (event) => {
        const decision = await evaluate(event);
        return decision?.block === true ? decision : undefined;
      },
    });
  }
}

/** What makes two registrations' runtimes the same: the config and the environment it resolves against. */
function runtimeKey(
  config: PluginConfig,
  unavailableReason: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  return JSON.stringify([
    config,
    unavailableReason ?? null,
    env.HOME ?? '',
    env.OPENCLAW_STATE_DIR ?? '',
    env.NEMOCLAW_SANDBOX_EXEC ?? '',
  ]);
}

/**
 * Resolves paths of the plugin config: absolute as is, `~` against HOME, relative against OpenClaw's
 * state directory (`OPENCLAW_STATE_DIR`, else `~/.openclaw`). OpenClaw's own `api.resolvePath` is
 * not used: in some load paths (CLI commands of a captured plugin) it returns undefined.
 */
export function configPathResolver(
  env: Readonly<Record<string, string | undefined>> = process.env,
): (path: string) => string {
  const home = env.HOME ?? homedir();
  const stateDir = env.OPENCLAW_STATE_DIR ?? join(home, '.openclaw');
  return (path) => {
    if (path === '~') return home;
    if (path.startsWith('~/')) return resolve(home, path.slice(2));
    return resolve(stateDir, path);
  };
}

function registerCli(api: OpenClawPluginApi, runtime: PluginRuntime): void {
  api.registerCli(
    ({ program }) => {
      const root: CliCommand = program
        .command('nemoclaw')
        .description('NemoClaw kernel sandbox for OpenClaw tools');
      root
        .command('status')
        .description('Whether the sandbox can be applied, the policy, launcher and kernel')
        .option('--json', 'print JSON')
        .action((async (options: { json?: boolean }) => {
          const report = await statusReport(runtime);
          process.stdout.write(
            `${options.json === true ? JSON.stringify(report, null, 2) : formatStatus(report)}\n`,
          );
          if (report.sandbox !== 'ready') process.exitCode = 1;
        }) as never);
      root
        .command('policy')
        .description('Show the policy in force and check that it loads and can be enforced')
        .action((async () => {
          const ready = await runtime.readiness();
          process.stdout.write(`${runtime.policyPath}\n`);
          if (!ready.ok) {
            process.stderr.write(`nemoclaw: ${ready.reason}\n`);
            process.exitCode = 1;
            return;
          }
          process.stdout.write(
            `valid; exec/read/write policies loaded, Landlock ABI ${ready.probe.landlockAbi}\n`,
          );
        }) as never);
      root
        .command('approvals')
        .description('Tools that need a person’s approval before they run')
        .action((() => {
          const tools = runtime.config.requireApproval ?? [];
          process.stdout.write(`${tools.length === 0 ? 'No tool requires approval.' : tools.join('\n')}\n`);
        }) as never);
      root
        .command('router-config')
        .description(
          'Print the openclaw.json patch that routes every model call through the privacy router (apply: openclaw config patch --file <it>)',
        )
        .action((() => {
          const router = runtime.config.router;
          if (router === undefined || !router.enabled) {
            process.stderr.write(
              'nemoclaw: no router configured: set plugins.entries.nemoclaw.config.router.baseUrl to the privacy router (e.g. http://127.0.0.1:8787/v1)\n',
            );
            process.exitCode = 1;
            return;
          }
          process.stdout.write(`${JSON.stringify(routerConfigPatch(router), null, 2)}\n`);
        }) as never);
      root
        .command('audit-path')
        .description('Print the audit log path')
        .action((() => {
          process.stdout.write(`${join(runtime.auditLogPath)}\n`);
        }) as never);
    },
    {
      descriptors: [
        { name: 'nemoclaw', description: 'NemoClaw kernel sandbox for OpenClaw tools', hasSubcommands: true },
      ],
    },
  );
}
