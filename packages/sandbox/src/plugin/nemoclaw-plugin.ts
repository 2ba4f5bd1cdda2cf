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
import { type PluginConfig, parsePluginConfig, pluginConfigJsonSchema } from './plugin-config.js';
import { PluginRuntime } from './plugin-runtime.js';
import { createNemoclawSandbox, nemoclawBackendId } from './sandbox-backend.js';
import { formatDenials, formatStatus, statusReport } from './status-report.js';
import { evaluateToolCall, sandboxSettingsOf } from './tool-guard.js';

/** The plugin id (equal to `id` in openclaw.plugin.json). */
export const nemoclawPluginId = 'nemoclaw';

/** The id of the trusted tool policy (listed in the manifest's `contracts.trustedToolPolicies`). */
export const toolPolicyId = 'nemoclaw-sandbox-guard';

/** The provider id registered when `router` is configured. */
export const routerProviderId = 'nemoclaw-router';

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
 * Builds the NemoClaw OpenClaw plugin. `register` is synchronous and, outside `full` registration
 * mode (discovery, tool-discovery, setup, cli-metadata), only validates the config and registers
 * the CLI: no backend, no hooks, no service, no side effects. In `full` mode it registers:
 *
 * - the `nemoclaw` sandbox backend (every exec and file tool runs under `nemoclaw-sandbox-exec`);
 * - a `before_tool_call` hook (and a trusted tool policy, blocks only) that blocks exec and file
 *   tools when the sandbox cannot be applied (fail closed) and asks for approval where configured;
 * - a `before_install` hook that reports installs and can refuse install scripts;
 * - a service owning the egress proxy and audit log for the process's lifetime;
 * - the `/nemoclaw` chat command, and the privacy-router provider when `router` is configured.
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
      const runtime = new PluginRuntime({ config, resolvePath: configPathResolver() });
      registerCli(api, runtime);
      if (api.registrationMode !== 'full') return;
      if (!parsed.ok)
        api.logger.error(`nemoclaw: invalid plugin config, exec and file tools are blocked: ${parsed.error}`);
      const guardRuntime = parsed.ok
        ? runtime
        : brokenRuntime(runtime, `invalid plugin config: ${parsed.error}`);

      host.registerSandboxBackend(nemoclawBackendId, {
        factory: (params) => createNemoclawSandbox(guardRuntime, params),
      });

      const settings = sandboxSettingsOf(api.config);
      const evaluate = (event: BeforeToolCallEvent) => evaluateToolCall(guardRuntime, settings, event);
      // The before_tool_call hook is the guard that runs for installed plugins in openclaw@2026.9.6
      // (verified end to end). The trusted tool policy is registered too, blocks only (an approval
      // would otherwise be asked twice): where the host runs trusted policies it decides first.
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

      if (config.router?.enabled && typeof api.registerProvider === 'function') {
        registerRouterProvider(api, config.router);
      }
    },
  };
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

/** A runtime whose readiness is always the given failure (fail closed on a bad config). */
function brokenRuntime(runtime: PluginRuntime, reason: string): PluginRuntime {
  const broken = Object.create(runtime) as PluginRuntime;
  const failure = Promise.resolve({ ok: false as const, reason });
  broken.readiness = () => failure;
  broken.recheck = () => failure;
  return broken;
}

function registerRouterProvider(api: OpenClawPluginApi, router: NonNullable<PluginConfig['router']>): void {
  api.registerProvider?.({
    id: routerProviderId,
    label: 'NemoClaw privacy router',
    docsPath: '/plugins/nemoclaw',
    envVars: router.apiKeyEnv === undefined ? [] : [router.apiKeyEnv],
    auth: [],
    catalog: {
      run: async () => ({
        provider: {
          baseUrl: router.baseUrl,
          apiKey: router.apiKeyEnv === undefined ? 'nemoclaw-router' : (process.env[router.apiKeyEnv] ?? ''),
          api: 'openai-completions',
          models: router.models.map((model) => ({
            id: model.id,
            name: model.name ?? model.id,
            reasoning: false,
            input: ['text'],
            cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
            contextWindow: model.contextWindow ?? 131072,
            maxTokens: model.maxTokens ?? 8192,
          })),
        },
      }),
    },
  });
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
