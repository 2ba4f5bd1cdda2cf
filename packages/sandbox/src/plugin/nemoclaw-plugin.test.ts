import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyAuditLog } from '@nemoclaw/audit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNemoclawPlugin, guardRegistrationModes, toolPolicyId } from './nemoclaw-plugin.js';
import type { BeforeToolCallEvent, BeforeToolCallResult, OpenClawPluginApi } from './openclaw-types.js';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'nemoclaw-plugin-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

type Guard = (event: BeforeToolCallEvent) => Promise<BeforeToolCallResult | undefined>;

/** What one `register(api)` call registered, recorded by an API object shaped like OpenClaw's. */
interface Registrations {
  readonly hooks: { name: string; handler: Guard }[];
  readonly policies: { id: string; evaluate: Guard }[];
  readonly backends: string[];
  readonly services: string[];
  readonly commands: string[];
  readonly cli: number;
}

function register(mode: string, pluginConfig: unknown): Registrations {
  const hooks: Registrations['hooks'] = [];
  const policies: Registrations['policies'] = [];
  const backends: string[] = [];
  const services: string[] = [];
  const commands: string[] = [];
  let cli = 0;
  const plugin = createNemoclawPlugin({
    registerSandboxBackend: (id) => {
      backends.push(id);
      return () => undefined;
    },
  });
  const api: OpenClawPluginApi = {
    id: 'nemoclaw',
    registrationMode: mode,
    pluginConfig,
    config: { agents: { defaults: { sandbox: { mode: 'all', backend: 'nemoclaw' } } } },
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    resolvePath: (input) => input,
    on: (name, handler) => {
      hooks.push({ name, handler: handler as unknown as Guard });
    },
    registerService: (service) => {
      services.push(service.id);
    },
    registerCommand: (command) => {
      commands.push(command.name);
    },
    registerCli: () => {
      cli += 1;
    },
    registerTrustedToolPolicy: (policy) => {
      policies.push({
        id: policy.id,
        evaluate: async (event) => policy.evaluate(event, {}),
      });
    },
  };
  plugin.register(api);
  return { hooks, policies, backends, services, commands, cli };
}

describe('plugin registration modes', () => {
  it('registers the tool guard in every mode whose registry OpenClaw runs tools with', () => {
    expect(guardRegistrationModes).toEqual(['full', 'discovery', 'tool-discovery']);
    for (const mode of ['discovery', 'tool-discovery']) {
      const registered = register(mode, { auditDir: join(root, `audit-${mode}`) });
      expect(registered.hooks.map((hook) => hook.name)).toEqual(['before_tool_call']);
      expect(registered.policies.map((policy) => policy.id)).toEqual([toolPolicyId]);
      // Nothing that lives with the process outside `full`.
      expect(registered.backends).toEqual([]);
      expect(registered.services).toEqual([]);
      expect(registered.commands).toEqual([]);
      expect(registered.cli).toBe(1);
    }
  });

  it('registers the backend, install hook, service and command in full mode only', () => {
    const full = register('full', { auditDir: join(root, 'audit-full') });
    expect(full.hooks.map((hook) => hook.name).sort()).toEqual(['before_install', 'before_tool_call']);
    expect(full.policies.map((policy) => policy.id)).toEqual([toolPolicyId]);
    expect(full.backends).toEqual(['nemoclaw']);
    expect(full.services).toEqual(['nemoclaw-egress']);
    expect(full.commands).toEqual(['nemoclaw']);
    for (const mode of ['cli-metadata', 'setup-only', 'setup-runtime']) {
      const registered = register(mode, {});
      expect(registered).toMatchObject({ hooks: [], policies: [], backends: [], services: [], cli: 1 });
    }
  });

  it('a guard registered in discovery mode blocks, fail closed, when the sandbox cannot be applied', async () => {
    const registered = register('discovery', {
      launcherPath: join(root, 'no-such-launcher'),
      auditDir: join(root, 'audit-discovery-block'),
    });
    const [hook] = registered.hooks;
    const [policy] = registered.policies;
    if (hook === undefined || policy === undefined) throw new Error('guard not registered');
    for (const guard of [hook.handler, policy.evaluate]) {
      const decision = await guard({ toolName: 'write', params: { path: '/etc/x', content: 'x' } });
      expect(decision?.block).toBe(true);
      expect(decision?.blockReason).toMatch(/^NemoClaw blocked write: the sandbox cannot be applied/);
      expect(decision?.blockReason).toContain('no-such-launcher');
    }
  });

  it('an invalid plugin config blocks exec in discovery mode too', async () => {
    const registered = register('discovery', { mode: 'sometimes' });
    const decision = await registered.hooks[0]?.handler({ toolName: 'exec', params: { command: 'id' } });
    expect(decision?.block).toBe(true);
    expect(decision?.blockReason).toContain('invalid plugin config: mode:');
  });

  it('registrations of one process share one runtime, so the audit hash chain has one writer', async () => {
    const auditDir = join(root, 'audit-shared');
    const config = { launcherPath: join(root, 'missing-launcher'), auditDir };
    // OpenClaw registers the plugin once in full mode, then again in discovery mode per agent run.
    const runs = [register('full', config), register('discovery', config), register('discovery', config)];
    const guards = runs.flatMap((run) => run.hooks.filter((hook) => hook.name === 'before_tool_call'));
    expect(guards).toHaveLength(3);
    // Interleaved denials from every registration: with one writer per registration, the chain
    // would fork (two records with the same seq and previous hash) and verification would fail.
    await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        guards[index % guards.length]?.handler({ toolName: 'exec', params: { command: `echo ${index}` } }),
      ),
    );
    const logPath = join(auditDir, 'audit.jsonl');
    const lines = (await readFile(logPath, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(12);
    expect((await verifyAuditLog(logPath)).ok).toBe(true);
  });
});
