// Per-exec overhead of the `nemoclaw` OpenClaw sandbox backend versus OpenClaw's exec without a
// sandbox, in one run. Without a sandbox, OpenClaw's exec spawns the command through a shell on
// the gateway host (`/bin/sh -c CMD`); with the backend it spawns the argv `buildExecSpec` returns
// (`nemoclaw-sandbox-exec --plan-file <0600 plan>`, which sets up namespaces, Landlock, seccomp and
// the egress bridge, then runs `/bin/sh -c CMD`), and calls
// `finalizeExec` afterwards (audit record). Both are timed from spawn request to process exit, 50
// execs of `true` each, interleaved, after 5 warm-up execs. Appends/replaces its section in
// BENCHMARKS.md. Usage: npx turbo run build --filter=@nemoclaw/sandbox && npm run bench:openclaw
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createNemoclawSandbox, PluginRuntime, parsePluginConfig } from '../dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, '..');
const repositoryDir = join(packageDir, '..', '..');
const iterations = 50;
const warmup = 5;

function run(argv, env) {
  return new Promise((resolvePromise, reject) => {
    const [file, ...args] = argv;
    const child = spawn(file, args, { env, stdio: ['pipe', 'ignore', 'pipe'] });
    child.stdin.end();
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolvePromise() : reject(new Error(`${argv.join(' ')} exited ${code}: ${stderr}`)),
    );
  });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 0 ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle];
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const launcherCandidates = [
  process.env.NEMOCLAW_SANDBOX_EXEC,
  join(repositoryDir, 'packages', 'native', 'dist', 'bin', 'nemoclaw-sandbox-exec'),
  join(repositoryDir, 'native', 'build', 'nemoclaw-sandbox-exec'),
].filter(Boolean);
const launcherPath = launcherCandidates.find((candidate) => existsSync(candidate));
if (launcherPath === undefined) {
  process.stderr.write(
    `bench: no launcher (looked in ${launcherCandidates.join(', ')}); run make -C native\n`,
  );
  process.exit(1);
}

// Outside /tmp: the default policy gives the sandbox a private /tmp.
const cache = join(repositoryDir, 'node_modules', '.cache', 'ocbench');
mkdirSync(cache, { recursive: true });
const root = mkdtempSync(join(cache, 'b'));
const home = join(root, 'h');
const workspace = join(home, 'workspace');
mkdirSync(workspace, { recursive: true });
const env = { PATH: '/usr/bin:/bin', HOME: home, LANG: 'C' };
const parsed = parsePluginConfig({ launcherPath, auditDir: join(root, 'audit') });
if (!parsed.ok) throw new Error(parsed.error);
const runtime = new PluginRuntime({
  config: parsed.value,
  home,
  stateDir: join(home, '.openclaw', 'nemoclaw'),
  env,
});
const handle = await createNemoclawSandbox(runtime, { workspaceDir: workspace, scopeKey: 'bench' });

async function unsandboxed() {
  const start = process.hrtime.bigint();
  await run(['/bin/sh', '-c', 'true'], env);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function sandboxed() {
  const start = process.hrtime.bigint();
  const spec = await handle.buildExecSpec({ command: 'true', env, usePty: false });
  await run(spec.argv, spec.env);
  await handle.finalizeExec({ status: 'completed', exitCode: 0, timedOut: false, token: spec.finalizeToken });
  return Number(process.hrtime.bigint() - start) / 1e6;
}

// The launcher alone, with the very plan the backend builds (read from its plan file before use):
// what the kernel sandbox setup costs, separated from the backend's wiring.
const probeSpec = await handle.buildExecSpec({ command: 'true', env, usePty: false });
const planText = readFileSync(probeSpec.argv[2], 'utf8');
await handle.finalizeExec({
  status: 'completed',
  exitCode: 0,
  timedOut: false,
  token: probeSpec.finalizeToken,
});
const planFile = join(root, 'bench-plan.json');
writeFileSync(planFile, planText, { mode: 0o600 });

async function launcherOnly() {
  const start = process.hrtime.bigint();
  await run([launcherPath, '--plan-file', planFile], {});
  return Number(process.hrtime.bigint() - start) / 1e6;
}

for (let index = 0; index < warmup; index += 1) {
  await unsandboxed();
  await launcherOnly();
  await sandboxed();
}
const plain = [];
const launcher = [];
const nemoclaw = [];
for (let index = 0; index < iterations; index += 1) {
  plain.push(await unsandboxed());
  launcher.push(await launcherOnly());
  nemoclaw.push(await sandboxed());
}
await runtime.close();
rmSync(root, { recursive: true, force: true });

const format = (value) => value.toFixed(2);
const added = median(nemoclaw) - median(plain);
const cpu = cpus()[0]?.model ?? 'unknown CPU';
const rows = [
  ['OpenClaw exec without a sandbox (`/bin/sh -c true` on the host)', plain],
  ['nemoclaw-sandbox-exec alone with the same plan (`--plan-file`)', launcher],
  ['OpenClaw exec in the `nemoclaw` backend (buildExecSpec + launcher + finalizeExec)', nemoclaw],
];
const section = [
  '## OpenClaw exec backend (`npm run bench:openclaw` → bench/openclaw-exec.mjs)',
  '',
  `Date: ${new Date().toISOString()} · kernel ${release()} · ${cpu} × ${cpus().length} · Node ${process.version} · load average ${loadavg()
    .map((value) => value.toFixed(2))
    .join(' ')} (a shared machine: wall times are noisy)`,
  '',
  `${iterations} execs of \`true\` each (after ${warmup} warm-up), interleaved, timed from spawn request to exit. The sandboxed exec uses the shipped default policy`,
  '(user, mount, pid, net, ipc, uts, cgroup namespaces; Landlock; seccomp; private /tmp; the egress bridge) and writes one audit record per exec.',
  '',
  '| | median (ms) | p90 (ms) | min (ms) | max (ms) |',
  '| --- | --- | --- | --- | --- |',
  ...rows.map(
    ([name, values]) =>
      `| ${name} | ${format(median(values))} | ${format(percentile(values, 90))} | ${format(Math.min(...values))} | ${format(Math.max(...values))} |`,
  ),
  '',
  `Added per exec: **${format(added)} ms median** (target < 25 ms: ${added < 25 ? 'met' : 'missed'}); ratio sandboxed / unsandboxed ${format(median(nemoclaw) / median(plain))}×.`,
  `Of that, the launcher's own sandbox setup (namespaces, mounts, Landlock, seccomp) is ${format(median(launcher) - median(plain))} ms and the backend's wiring (plan file, audit) ${format(median(nemoclaw) - median(launcher))} ms.`,
  'buildExecSpec (policy → plan, 0600 plan file) and finalizeExec (plan removal, one audit record) take a few ms in process.',
  '',
];
const file = join(packageDir, 'BENCHMARKS.md');
const existing = existsSync(file) ? readFileSync(file, 'utf8') : '# @nemoclaw/sandbox benchmarks\n';
const heading = '## OpenClaw exec backend';
const start = existing.indexOf(heading);
let next;
if (start < 0) {
  next = `${existing.trimEnd()}\n\n${section.join('\n')}`;
} else {
  const after = existing.indexOf('\n## ', start + heading.length);
  next = `${existing.slice(0, start)}${section.join('\n')}${after < 0 ? '' : existing.slice(after + 1)}`;
}
writeFileSync(file, next.endsWith('\n') ? next : `${next}\n`);
process.stdout.write(`${section.join('\n')}\n`);
