/**
 * End to end against the real OpenClaw (openclaw@2026.9.6 on Node 24, cached by
 * scripts/fetch-openclaw.mjs): the staged @nemoclaw/sandbox plugin is installed with
 * `openclaw plugins install <dir> --force --accept-capabilities` into an isolated OpenClaw home, and
 * real `openclaw agent --local` turns run against a loopback model that scripts tool calls. Every
 * exec and file tool then runs in the kernel sandbox: a planted key stays unreadable, an unlisted
 * host is refused by the egress proxy, a write outside the workspace fails, and the denials are in
 * the hash-chained audit log. The plugin's `before_tool_call` guard and trusted tool policy run in
 * those turns too (they are registered in the `discovery` registry OpenClaw runs agents with): they
 * block exec and write with NemoClaw's reason when the sandbox cannot be applied, and tools that
 * need approval are refused by OpenClaw when no one can approve. With `mode: "tools"` a narrower
 * exec policy applies to exec only, and with the router wired in every model call passes the
 * privacy router (redacted towards the cloud, a planted secret kept on the local model).
 */

import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { verifyAuditLog } from '@nemoclaw/audit';
import { createRouter, type PrivacyRouter, type RouteDecisionEvent } from '@nemoclaw/privacy-router';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  promptFor,
  type ScriptedModel,
  type ScriptedToolCall,
  splitResults,
  startScriptedModel,
} from './support/scripted-model.ts';

const repositoryDir = fileURLToPath(new URL('../../', import.meta.url));
const minutes = 60_000;

let nodeBinary: string;
let openclawEntry: string;
let root: string;
let home: string;
let workspace: string;
let auditDir: string;
let stagedPlugin: string;
let model: ScriptedModel;
/** The privacy router's providers: a local model and a cloud one (both scripted, on loopback). */
let localModel: ScriptedModel;
let cloudModel: ScriptedModel;
let router: PrivacyRouter;
let routerUrl: string;
const decisions: RouteDecisionEvent[] = [];
/** The key only the router holds (injected towards the cloud provider; the agent never sees it). */
const cloudKey = 'router-held-cloud-key';
const sandboxAll = { mode: 'all', backend: 'nemoclaw', scope: 'session', workspaceAccess: 'rw' };

interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function isolatedEnvironment(): NodeJS.ProcessEnv {
  return {
    PATH: `${join(nodeBinary, '..')}:/usr/local/bin:/usr/bin:/bin`,
    LANG: 'C.UTF-8',
    HOME: home,
    OPENCLAW_HOME: home,
    OPENCLAW_STATE_DIR: join(home, '.openclaw'),
    OPENCLAW_CONFIG_PATH: join(home, '.openclaw', 'openclaw.json'),
    OPENCLAW_NO_AUTO_UPDATE: '1',
    OPENCLAW_DISABLE_BONJOUR: '1',
    OPENCLAW_SKIP_CHANNELS: '1',
  };
}

/** Runs `openclaw ARGS` on Node 24 in the isolated home (asynchronously: the model server lives in this process). */
function openclaw(
  args: readonly string[],
  timeoutMs = 8 * minutes,
  extraEnvironment: NodeJS.ProcessEnv = {},
): Promise<CommandResult> {
  return new Promise((resolvePromise) => {
    execFile(
      nodeBinary,
      [openclawEntry, ...args],
      {
        env: { ...isolatedEnvironment(), ...extraEnvironment },
        cwd: home,
        timeout: timeoutMs,
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolvePromise({ code, stdout, stderr });
      },
    );
  });
}

let sessionCounter = 0;

/** One real agent turn whose model makes `calls`; returns each tool result and the raw output. */
async function agentTurn(
  calls: readonly ScriptedToolCall[],
  promptSuffix = '',
  gatewayToken?: string,
): Promise<{ results: string[]; output: CommandResult }> {
  sessionCounter += 1;
  // `--local` runs the turn in this process; without it, `openclaw agent` sends it to the gateway.
  const output = await openclaw(
    [
      'agent',
      ...(gatewayToken === undefined ? ['--local'] : []),
      '--agent',
      'main',
      '--session-id',
      `nemoclaw-e2e-${process.pid}-${sessionCounter}`,
      '-m',
      `${promptFor(calls)}${promptSuffix}`,
      '--json',
    ],
    8 * minutes,
    gatewayToken === undefined ? {} : { OPENCLAW_GATEWAY_TOKEN: gatewayToken },
  );
  let answer = '';
  try {
    const parsed = JSON.parse(output.stdout) as { meta?: { finalAssistantVisibleText?: string } };
    answer = parsed.meta?.finalAssistantVisibleText ?? '';
  } catch {
    answer = '';
  }
  if (answer === '') {
    const match = /"finalAssistantVisibleText":\s*("(?:[^"\\]|\\.)*")/.exec(output.stdout);
    answer = match?.[1] === undefined ? '' : (JSON.parse(match[1]) as string);
  }
  return { results: splitResults(answer), output };
}

async function updateConfig(change: (config: Record<string, unknown>) => void): Promise<void> {
  const path = join(home, '.openclaw', 'openclaw.json');
  const config = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  change(config);
  await writeFile(path, `${JSON.stringify(config, null, 2)}\n`);
}

function pluginConfig(config: Record<string, unknown>): Record<string, unknown> {
  const plugins = config.plugins as {
    entries: Record<string, { enabled?: boolean; config?: Record<string, unknown> }>;
  };
  const entry = plugins.entries.nemoclaw;
  if (entry === undefined) throw new Error('plugins.entries.nemoclaw is missing after install');
  entry.config ??= {};
  return entry.config;
}

/** Replaces the plugin config (the audit directory stays) and OpenClaw's sandbox settings. */
async function configure(
  settings: Record<string, unknown>,
  sandbox: Record<string, unknown> = sandboxAll,
): Promise<void> {
  await updateConfig((config) => {
    const agents = config.agents as { defaults: Record<string, unknown> };
    agents.defaults.sandbox = sandbox;
    const entry = (config.plugins as { entries: Record<string, { config?: Record<string, unknown> }> })
      .entries.nemoclaw;
    if (entry === undefined) throw new Error('plugins.entries.nemoclaw is missing');
    entry.config = { auditDir, ...settings };
  });
}

/** The chat completions `server` received since request `from`, with their bodies as text. */
function requestsSince(server: ScriptedModel, from: number): { text: string; authorization: string }[] {
  return server.requests
    .slice(from)
    .filter((request) => request.path.endsWith('/chat/completions'))
    .map((request) => ({
      text: JSON.stringify(request.body),
      authorization: String(request.headers.authorization ?? ''),
    }));
}

/** A free TCP port on 127.0.0.1 (bound, read and released). */
function freeLoopbackPort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createNetServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolvePromise(port));
    });
  });
}

/** Resolves once `condition` holds (checked every 500 ms), rejects after `timeoutMs`. */
async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 500));
  }
}

/** Stops a process group this test started (SIGTERM, then SIGKILL after 30 s). */
async function stopProcessGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolvePromise) => child.once('exit', () => resolvePromise()));
  process.kill(-child.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
  }, 30_000);
  await exited;
  clearTimeout(timer);
}

beforeAll(async () => {
  const paths = JSON.parse(
    execFileSync(process.execPath, [join(repositoryDir, 'scripts', 'fetch-openclaw.mjs'), '--json'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: 20 * minutes,
    }),
  ) as { node: string; openclaw: string };
  nodeBinary = paths.node;
  openclawEntry = paths.openclaw;

  execFileSync(
    'flock',
    [join(tmpdir(), 'nemoclaw-native-make.lock'), 'make', '-s', '-C', join(repositoryDir, 'native')],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const sandboxDir = join(repositoryDir, 'packages', 'sandbox');
  if (!existsSync(join(sandboxDir, 'dist', 'plugin.js'))) {
    execFileSync('npx', ['tsup'], {
      cwd: sandboxDir,
      stdio: ['ignore', 'ignore', 'inherit'],
      timeout: 10 * minutes,
    });
  }
  // Outside /tmp (the default policy gives the sandbox a private /tmp, and the repository itself may
  // be cloned under /tmp) and short (Unix socket paths).
  const cache = '/var/tmp/nemoclaw-oce2e';
  await mkdir(cache, { recursive: true });
  root = await mkdtemp(join(cache, 'r'));
  home = join(root, 'h');
  workspace = join(home, 'workspace');
  auditDir = join(root, 'audit');
  await mkdir(join(home, '.ssh'), { recursive: true, mode: 0o700 });
  await mkdir(workspace, { recursive: true });
  await writeFile(
    join(home, '.ssh', 'id_rsa'),
    '-----BEGIN OPENSSH PRIVATE KEY-----\nFAKE-NEMOCLAW-E2E-KEY\n',
    { mode: 0o600 },
  );
  await writeFile(join(workspace, 'visible.txt'), 'in the workspace\n');
  stagedPlugin = join(root, 'plugin');
  execFileSync(
    process.execPath,
    [join(sandboxDir, 'scripts', 'stage-openclaw-plugin.mjs'), '--out', stagedPlugin],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  model = await startScriptedModel();
  localModel = await startScriptedModel();
  cloudModel = await startScriptedModel();
  // The router as `nemoclaw router start` runs it, with the default policy's routing rules.
  router = await createRouter({
    policy: {
      providers: {
        local: { kind: 'openai-compatible', base_url: localModel.baseUrl, model: 'local-model' },
        cloud: {
          kind: 'openai-compatible',
          base_url: cloudModel.baseUrl,
          model: 'cloud-model',
          api_key_env: 'NEMOCLAW_E2E_CLOUD_KEY',
          local: false,
        },
      },
      default_route: 'cloud',
      rules: [
        { when: { entities: ['SECRET'] }, route: 'local' },
        { when: { sensitivity: 'medium' }, route: 'cloud', redact: true },
      ],
      redaction: 'reversible',
      on_local_unavailable: 'block',
    },
    environment: { NEMOCLAW_E2E_CLOUD_KEY: cloudKey },
    onDecision: (event) => decisions.push(event),
  });
  routerUrl = (await router.listen(0, '127.0.0.1')).url;
}, 30 * minutes);

afterAll(async () => {
  await router?.close();
  await model?.close();
  await localModel?.close();
  await cloudModel?.close();
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

describe('the NemoClaw plugin in a real OpenClaw', () => {
  it(
    'installs with `openclaw plugins install <dir> --force --accept-capabilities`',
    async () => {
      const install = await openclaw([
        'plugins',
        'install',
        stagedPlugin,
        '--force',
        '--accept-capabilities',
      ]);
      expect(install.stderr + install.stdout).toContain('Installed plugin: nemoclaw');
      expect(install.code).toBe(0);
      expect(existsSync(join(home, '.openclaw', 'extensions', 'nemoclaw', 'dist', 'plugin.js'))).toBe(true);
      await updateConfig((config) => {
        config.models = {
          mode: 'merge',
          providers: {
            scripted: {
              baseUrl: model.baseUrl,
              apiKey: 'scripted-key',
              api: 'openai-completions',
              models: [
                {
                  id: 'scripted-model',
                  name: 'scripted',
                  reasoning: false,
                  input: ['text'],
                  cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
                  contextWindow: 128000,
                  maxTokens: 4096,
                },
              ],
            },
          },
        };
        config.agents = {
          defaults: {
            model: { primary: 'scripted/scripted-model' },
            workspace,
            sandbox: { mode: 'all', backend: 'nemoclaw', scope: 'session', workspaceAccess: 'rw' },
          },
        };
        Object.assign(pluginConfig(config), { auditDir });
      });
    },
    15 * minutes,
  );

  it(
    '`plugins list` shows it enabled and `plugins doctor` is clean',
    async () => {
      const list = await openclaw(['plugins', 'list']);
      expect(list.code).toBe(0);
      expect(list.stdout).toMatch(/nemoclaw/i);
      const doctor = await openclaw(['plugins', 'doctor']);
      expect(doctor.code).toBe(0);
      expect(doctor.stdout + doctor.stderr).toContain('checks passed');
      expect(doctor.stdout + doctor.stderr).not.toMatch(/nemoclaw[^\n]*(failed|error)/i);
    },
    15 * minutes,
  );

  it(
    'one agent turn: exec and write run in the kernel sandbox',
    async () => {
      const outside = join(home, 'outside.txt');
      const { results, output } = await agentTurn([
        { name: 'exec', arguments: { command: 'hostname; ls' } },
        { name: 'exec', arguments: { command: `cat ${join(home, '.ssh', 'id_rsa')}; echo "exit=$?"` } },
        {
          name: 'exec',
          arguments: { command: 'curl -sS -i http://unlisted.example.com/ | head -n 3; echo "exit=$?"' },
        },
        { name: 'write', arguments: { path: outside, content: 'written by the agent\n' } },
        {
          name: 'write',
          arguments: { path: join(workspace, 'inside.txt'), content: 'written by the agent\n' },
        },
      ]);
      expect(
        results,
        `agent output:\n${output.stdout.slice(-4000)}\n${output.stderr.slice(-4000)}`,
      ).toHaveLength(5);
      const [listing = '', secret = '', egress = '', writeOutside = '', writeInside = ''] = results;

      // exec runs in the sandbox's UTS namespace, in the workspace.
      expect(listing).toContain('nemoclaw');
      expect(listing).toContain('visible.txt');
      // The planted key is masked inside the sandbox (it is readable outside).
      expect(secret).not.toContain('FAKE-NEMOCLAW-E2E-KEY');
      expect(secret).toMatch(/Permission denied|No such file/);
      expect(secret).toMatch(/exit=1/);
      expect(await readFile(join(home, '.ssh', 'id_rsa'), 'utf8')).toContain('FAKE-NEMOCLAW-E2E-KEY');
      // The only way out is the egress proxy, which refuses an unlisted host.
      expect(egress).toMatch(/403/);
      expect(egress.toLowerCase()).toContain('x-nemoclaw-deny-reason');
      // write outside the workspace fails, inside succeeds.
      expect(existsSync(outside)).toBe(false);
      expect(writeOutside).toMatch(
        /Permission denied|Read-only file system|denied|not allowed|outside|escapes/i,
      );
      expect(await readFile(join(workspace, 'inside.txt'), 'utf8')).toBe('written by the agent\n');
      expect(writeInside).not.toMatch(/denied|failed/i);

      // The denials are in the hash-chained audit log.
      const logPath = join(auditDir, 'audit.jsonl');
      const log = await readFile(logPath, 'utf8');
      expect(log).toContain('unlisted.example.com');
      const verified = await verifyAuditLog(logPath);
      expect(verified.ok).toBe(true);
    },
    15 * minutes,
  );

  it(
    '`openclaw nemoclaw status --json` reports the sandbox ready with the configured audit log',
    async () => {
      const status = await openclaw(['nemoclaw', 'status', '--json']);
      expect(status.code, status.stderr.slice(-2000)).toBe(0);
      const report = JSON.parse(status.stdout.slice(status.stdout.indexOf('{'))) as {
        sandbox: string;
        auditLog: string;
        launcher: string;
      };
      expect(report.sandbox).toBe('ready');
      expect(report.auditLog).toBe(join(auditDir, 'audit.jsonl'));
      expect(report.launcher).toContain('nemoclaw-sandbox-exec');
    },
    15 * minutes,
  );

  it(
    'the before_tool_call guard fails closed: with an invalid policy and OpenClaw’s sandbox off, exec and write are blocked with the reason',
    async () => {
      // Without the guard, both calls would run unconfined on the host (sandbox mode "off").
      const invalidPolicy = join(root, 'invalid-policy.yaml');
      await writeFile(invalidPolicy, 'version: 1\nfilesystem_policy: [this is not a mapping\n');
      await configure({ policy: invalidPolicy }, { mode: 'off' });
      const execMarker = join(workspace, 'guard-exec.txt');
      const writeMarker = join(workspace, 'guard-write.txt');
      const { results, output } = await agentTurn([
        { name: 'exec', arguments: { command: `echo ran > ${execMarker}` } },
        { name: 'write', arguments: { path: writeMarker, content: 'written by the agent\n' } },
      ]);
      expect(
        results,
        `agent output:\n${output.stdout.slice(-3000)}\n${output.stderr.slice(-3000)}`,
      ).toHaveLength(2);
      const [exec = '', write = ''] = results;
      expect(existsSync(execMarker)).toBe(false);
      expect(existsSync(writeMarker)).toBe(false);
      expect(exec).toMatch(
        /^NemoClaw blocked exec: the sandbox cannot be applied \(policy .*invalid-policy\.yaml is invalid/,
      );
      expect(write).toMatch(
        /^NemoClaw blocked write: the sandbox cannot be applied \(policy .*invalid-policy\.yaml is invalid/,
      );
      // Each refusal is a Detection Finding in the hash-chained audit log.
      const logPath = join(auditDir, 'audit.jsonl');
      const log = await readFile(logPath, 'utf8');
      expect(log).toContain('exec blocked: the sandbox cannot be applied');
      expect(log).toContain('write blocked: the sandbox cannot be applied');
      expect((await verifyAuditLog(logPath)).ok).toBe(true);
    },
    15 * minutes,
  );

  it(
    'mode "tools" with a narrower exec policy: exec gets the workspace read-only, write the base policy; every model call passes the privacy router, redacted',
    async () => {
      // The narrower policy for exec: the workspace is readable, nothing is writable but /tmp.
      const narrowPolicy = join(root, 'exec-narrow.yaml');
      await writeFile(
        narrowPolicy,
        [
          'version: 1',
          'filesystem_policy:',
          '  include_workdir: false',
          `  read_only: [/usr, /lib, /lib64, /bin, /sbin, /etc, /proc, /dev/urandom, /dev/random, ${workspace}]`,
          '  read_write: [/tmp, /dev/null, /dev/zero]',
          '  deny: [~/.ssh]',
          '  private_tmp: true',
          'landlock:',
          '  compatibility: hard_requirement',
          'network_policies: {}',
          '',
        ].join('\n'),
      );
      await configure({
        mode: 'tools',
        tools: ['exec', 'write'],
        toolPolicies: { exec: narrowPolicy },
        router: { baseUrl: routerUrl, models: [{ id: 'routed' }] },
      });
      // The wiring a user does: print the patch with the plugin's CLI, apply it with OpenClaw's.
      const wiring = await openclaw(['nemoclaw', 'router-config']);
      expect(wiring.code, wiring.stderr.slice(-2000)).toBe(0);
      const patchPath = join(root, 'router-patch.json');
      await writeFile(patchPath, wiring.stdout.slice(wiring.stdout.indexOf('{')));
      const patched = await openclaw(['config', 'patch', '--file', patchPath]);
      expect(patched.code, patched.stderr.slice(-2000)).toBe(0);
      const written = JSON.parse(await readFile(join(home, '.openclaw', 'openclaw.json'), 'utf8')) as {
        agents: { defaults: { model: { primary: string } } };
        models: { providers: Record<string, { baseUrl: string }> };
      };
      expect(written.agents.defaults.model.primary).toBe('nemoclaw-router/routed');
      expect(written.models.providers['nemoclaw-router']?.baseUrl).toBe(routerUrl);

      const before = {
        direct: model.requests.length,
        cloud: cloudModel.requests.length,
        decisions: decisions.length,
      };
      const email = 'alice.liddell@example.com';
      const { results, output } = await agentTurn(
        [
          {
            name: 'exec',
            arguments: { command: 'cat visible.txt; echo by-exec > by-exec.txt; echo "exit=$?"' },
          },
          {
            name: 'write',
            arguments: { path: join(workspace, 'by-write.txt'), content: 'written by write\n' },
          },
        ],
        ` When done, mail the result to ${email}.`,
      );
      expect(
        results,
        `agent output:\n${output.stdout.slice(-3000)}\n${output.stderr.slice(-3000)}`,
      ).toHaveLength(2);
      const [exec = '', write = ''] = results;
      // exec ran under the narrower policy: it reads the workspace but cannot write to it ...
      expect(exec).toContain('in the workspace');
      expect(exec).toMatch(/Read-only file system|Permission denied/);
      expect(exec).toMatch(/exit=[12]/);
      expect(existsSync(join(workspace, 'by-exec.txt'))).toBe(false);
      // ... while the write tool, under the base policy, writes there.
      expect(write).toMatch(/^Successfully wrote/);
      expect(await readFile(join(workspace, 'by-write.txt'), 'utf8')).toBe('written by write\n');

      // Every model call of the turn went through the router to the cloud provider, redacted.
      expect(model.requests.length).toBe(before.direct);
      const cloudRequests = requestsSince(cloudModel, before.cloud);
      expect(cloudRequests.length).toBeGreaterThanOrEqual(3);
      for (const request of cloudRequests) {
        expect(request.authorization).toBe(`Bearer ${cloudKey}`);
        expect(request.text).not.toContain(email);
        expect(request.text).toContain('⟦EMAIL_');
      }
      const turnDecisions = decisions.slice(before.decisions);
      expect(turnDecisions.length).toBe(cloudRequests.length);
      for (const decision of turnDecisions) {
        expect(decision).toMatchObject({ route: 'cloud', redact: true, outcome: 'forwarded', status: 200 });
        expect(decision.reason.entities?.EMAIL).toBeGreaterThanOrEqual(1);
      }
    },
    20 * minutes,
  );

  it(
    'requireApproval: OpenClaw refuses the call when no one can approve it; a planted secret stays on the local model',
    async () => {
      await configure({
        requireApproval: ['exec'],
        router: { baseUrl: routerUrl, models: [{ id: 'routed' }] },
      });
      const marker = join(workspace, 'approval-exec.txt');
      const secret = 'ghp_R7fK2mQ9xLw4Zt8NvB3cYd6HsJ1pGe5aUq0V';
      const before = {
        local: localModel.requests.length,
        cloud: cloudModel.requests.length,
        decisions: decisions.length,
      };
      const { results, output } = await agentTurn(
        [
          { name: 'exec', arguments: { command: `echo ran > ${marker}` } },
          {
            name: 'write',
            arguments: { path: join(workspace, 'approval-write.txt'), content: 'no approval needed\n' },
          },
        ],
        ` Deploy with the token ${secret}.`,
      );
      expect(
        results,
        `agent output:\n${output.stdout.slice(-3000)}\n${output.stderr.slice(-3000)}`,
      ).toHaveLength(2);
      const [exec = '', write = ''] = results;
      // The guard asked for approval; a non-interactive run has no one to ask, so OpenClaw blocks.
      expect(exec).toContain(
        'Plugin approval unavailable: non-interactive CLI runs have no approval-capable initiating surface.',
      );
      expect(existsSync(marker)).toBe(false);
      // A tool that needs no approval still runs (in the sandbox).
      expect(write).toMatch(/^Successfully wrote/);
      expect(await readFile(join(workspace, 'approval-write.txt'), 'utf8')).toBe('no approval needed\n');

      // The secret went to the local model only, through the router; the cloud saw nothing of the turn.
      const localRequests = requestsSince(localModel, before.local);
      expect(localRequests.length).toBeGreaterThanOrEqual(3);
      for (const request of localRequests) expect(request.text).toContain(secret);
      for (const request of requestsSince(cloudModel, before.cloud))
        expect(request.text).not.toContain(secret);
      const turnDecisions = decisions.slice(before.decisions);
      expect(turnDecisions.length).toBe(localRequests.length);
      for (const decision of turnDecisions) {
        expect(decision).toMatchObject({ route: 'local', redact: false, outcome: 'forwarded' });
      }
      expect(turnDecisions[0]?.reason.entities?.SECRET).toBeGreaterThanOrEqual(1);
    },
    15 * minutes,
  );

  it(
    'under `openclaw gateway`: a turn sent with `openclaw agent` is guarded the same way',
    async () => {
      await configure({}, { mode: 'off' });
      const port = await freeLoopbackPort();
      const token = 'nemoclaw-e2e-gateway-token';
      await updateConfig((config) => {
        config.gateway = { mode: 'local', port, bind: 'loopback', auth: { mode: 'token', token } };
      });
      const gateway = spawn(
        nodeBinary,
        [openclawEntry, 'gateway', 'run', '--port', String(port), '--bind', 'loopback'],
        {
          env: { ...isolatedEnvironment(), OPENCLAW_GATEWAY_TOKEN: token },
          cwd: home,
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let log = '';
      gateway.stdout.on('data', (chunk: Buffer) => {
        log += chunk.toString('utf8');
      });
      gateway.stderr.on('data', (chunk: Buffer) => {
        log += chunk.toString('utf8');
      });
      try {
        await waitFor(() => /\[gateway\]\S*\s+\S*ready/.test(log) || gateway.exitCode !== null, 10 * minutes);
        expect(gateway.exitCode, log.slice(-3000)).toBeNull();
        // The gateway's service started the egress proxy (the plugin's `full` registration).
        expect(log).toContain('nemoclaw: egress proxy on');
        const execMarker = join(workspace, 'gateway-exec.txt');
        const writeMarker = join(workspace, 'gateway-write.txt');
        const { results, output } = await agentTurn(
          [
            { name: 'exec', arguments: { command: `echo ran > ${execMarker}` } },
            { name: 'write', arguments: { path: writeMarker, content: 'written by the agent\n' } },
          ],
          '',
          token,
        );
        expect(
          results,
          `agent output:\n${output.stdout.slice(-3000)}\n${output.stderr.slice(-3000)}\ngateway:\n${log.slice(-3000)}`,
        ).toHaveLength(2);
        const [exec = '', write = ''] = results;
        expect(exec).toMatch(
          /^NemoClaw blocked exec: OpenClaw is not set to run tools in the NemoClaw sandbox/,
        );
        expect(write).toMatch(
          /^NemoClaw blocked write: OpenClaw is not set to run tools in the NemoClaw sandbox/,
        );
        expect(existsSync(execMarker)).toBe(false);
        expect(existsSync(writeMarker)).toBe(false);
        // The tools ran (and were refused) in the gateway process, not in the CLI.
        await waitFor(() => log.includes('NemoClaw blocked exec'), minutes);
        expect(log).toContain('NemoClaw blocked write');
      } finally {
        await stopProcessGroup(gateway);
        await updateConfig((config) => {
          delete config.gateway;
        });
      }
    },
    25 * minutes,
  );

  it(
    'fails closed: with the launcher missing, the turn is refused before any tool runs',
    async () => {
      await configure({ launcherPath: join(root, 'no-such-launcher') });
      const marker = join(workspace, 'no-launcher.txt');
      const { results, output } = await agentTurn([
        { name: 'exec', arguments: { command: `echo ran > ${marker}` } },
      ]);
      expect(existsSync(marker)).toBe(false);
      const text = `${results.join('\n')}\n${output.stdout}\n${output.stderr}`;
      expect(text).toMatch(/NemoClaw (sandbox cannot be applied|blocked)/);
      expect(text).toContain('no-such-launcher');
    },
    15 * minutes,
  );
});
