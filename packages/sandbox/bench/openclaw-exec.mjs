// Per-exec overhead of the `nemoclaw` OpenClaw sandbox backend versus OpenClaw's exec without a
// sandbox, in one run. Without a sandbox, OpenClaw's exec spawns the command through a shell on
// the gateway host (`/bin/sh -c CMD`); with the backend it spawns the argv `buildExecSpec` returns
// (`nemoclaw-sandbox-exec --plan-file <0600 plan>`, which sets up namespaces, Landlock, seccomp and
// the egress bridge, then runs `/bin/sh -c CMD`), and calls `finalizeExec` afterwards (plan file
// removal, audit record). All timed from OpenClaw's call to process exit (+ finalizeExec), 50 execs
// of `true` each, interleaved, after 5 warm-up execs: without a sandbox, the launcher alone with the
// backend's plan, the backend as shipped (plans reused) and the backend building every plan afresh
// (`reusePlans: false`). A second, shorter series runs `date +%s%N`
// to split the sandboxed exec into start-up (OpenClaw's call -> the command runs) and teardown.
// Replaces its section in BENCHMARKS.md. Usage: npx turbo run build --filter=@nemoclaw/sandbox && npm run bench:openclaw
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createNemoclawSandbox, PluginRuntime, parsePluginConfig } from '../dist/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, '..');
const repositoryDir = join(packageDir, '..', '..');
const iterations = 50;
const warmup = 5;
const startupIterations = 20;

function run(argv, env, captureStdout = false) {
  return new Promise((resolvePromise, reject) => {
    const [file, ...args] = argv;
    const child = spawn(file, args, { env, stdio: ['pipe', captureStdout ? 'pipe' : 'ignore', 'pipe'] });
    child.stdin.end();
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolvePromise(stdout) : reject(new Error(`${argv.join(' ')} exited ${code}: ${stderr}`)),
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

/** Wall-clock milliseconds with sub-millisecond precision (comparable with `date +%s%N`). */
function wallClock() {
  return performance.timeOrigin + performance.now();
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
const freshPlans = await createNemoclawSandbox(
  runtime,
  { workspaceDir: workspace, scopeKey: 'bench-fresh' },
  { reusePlans: false },
);

async function unsandboxed(command = 'true') {
  const start = wallClock();
  const stdout = await run(['/bin/sh', '-c', command], env, command !== 'true');
  return { total: wallClock() - start, start, stdout };
}

/** One exec as OpenClaw runs it: buildExecSpec, spawn, wait for exit, finalizeExec. */
async function sandboxed(backend, command = 'true') {
  const start = wallClock();
  const spec = await backend.buildExecSpec({ command, env, usePty: false });
  const spawned = wallClock();
  const stdout = await run(spec.argv, spec.env, command !== 'true');
  const exited = wallClock();
  await backend.finalizeExec({
    status: 'completed',
    exitCode: 0,
    timedOut: false,
    token: spec.finalizeToken,
  });
  const end = wallClock();
  return {
    total: end - start,
    build: spawned - start,
    finalize: end - exited,
    start,
    spawned,
    exited,
    stdout,
  };
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
  const start = wallClock();
  await run([launcherPath, '--plan-file', planFile], {});
  return { total: wallClock() - start };
}

for (let index = 0; index < warmup; index += 1) {
  await unsandboxed();
  await launcherOnly();
  await sandboxed(handle);
  await sandboxed(freshPlans);
}
const series = { plain: [], launcher: [], nemoclaw: [], fresh: [] };
for (let index = 0; index < iterations; index += 1) {
  series.plain.push(await unsandboxed());
  series.launcher.push(await launcherOnly());
  series.nemoclaw.push(await sandboxed(handle));
  series.fresh.push(await sandboxed(freshPlans));
}

// Where a sandboxed exec's time goes: the command prints the wall clock when it runs.
const stamp = 'date +%s%N';
const startup = { plain: [], nemoclaw: [] };
for (let index = 0; index < startupIterations; index += 1) {
  const plain = await unsandboxed(stamp);
  const ran = Number(BigInt(plain.stdout.trim()) / 1000n) / 1000;
  startup.plain.push({ start: ran - plain.start, end: plain.start + plain.total - ran });
  const boxed = await sandboxed(handle, stamp);
  const boxedRan = Number(BigInt(boxed.stdout.trim()) / 1000n) / 1000;
  startup.nemoclaw.push({
    build: boxed.build,
    launch: boxedRan - boxed.spawned,
    teardown: boxed.exited - boxedRan,
    finalize: boxed.finalize,
  });
}
await runtime.close();
rmSync(root, { recursive: true, force: true });

const format = (value) => value.toFixed(2);
const totals = (name) => series[name].map((sample) => sample.total);
const medianOf = (samples, key) => median(samples.map((sample) => sample[key]));
const wiring = (name) => median(series[name].map((sample) => sample.build + sample.finalize));
const added = median(totals('nemoclaw')) - median(totals('plain'));
const addedFresh = median(totals('fresh')) - median(totals('plain'));
const cpu = cpus()[0]?.model ?? 'unknown CPU';
const rows = [
  ['OpenClaw exec without a sandbox (`/bin/sh -c true` on the host)', totals('plain')],
  ['nemoclaw-sandbox-exec alone with the same plan (`--plan-file`)', totals('launcher')],
  ['OpenClaw exec in the `nemoclaw` backend (buildExecSpec + launcher + finalizeExec)', totals('nemoclaw')],
  ['the same, every plan built afresh (`reusePlans: false`)', totals('fresh')],
];
const section = [
  '## OpenClaw exec backend (`npm run bench:openclaw` → bench/openclaw-exec.mjs)',
  '',
  `Date: ${new Date().toISOString()} · kernel ${release()} · ${cpu} × ${cpus().length} · Node ${process.version} · load average ${loadavg()
    .map((value) => value.toFixed(2))
    .join(' ')} (a shared machine: wall times are noisy)`,
  '',
  `${iterations} execs of \`true\` each (after ${warmup} warm-up), interleaved, timed from OpenClaw's call (\`buildExecSpec\`) to exit and \`finalizeExec\`. The sandboxed exec uses the shipped default policy`,
  '(user, mount, pid, net, ipc, uts, cgroup namespaces; Landlock; seccomp; read-only root; private /tmp; the egress bridge) and writes one audit record per exec.',
  '',
  '| | median (ms) | p90 (ms) | min (ms) | max (ms) |',
  '| --- | --- | --- | --- | --- |',
  ...rows.map(
    ([name, values]) =>
      `| ${name} | ${format(median(values))} | ${format(percentile(values, 90))} | ${format(Math.min(...values))} | ${format(Math.max(...values))} |`,
  ),
  '',
  `Added per exec: **${format(added)} ms median** (target < 25 ms: ${added < 25 ? 'met' : 'missed'}); ratio sandboxed / unsandboxed ${format(median(totals('nemoclaw')) / median(totals('plain')))}×` +
    ` (every plan built afresh: ${format(addedFresh)} ms added, ${format(median(totals('fresh')) / median(totals('plain')))}×).`,
  `Of that, the backend's own work in process (buildExecSpec: plan reused after re-checking every path it was built from, 0600 plan file; finalizeExec: plan file removal; the hash-chained audit record is appended at the end of the event-loop turn) is ${format(wiring('nemoclaw'))} ms median` +
    ` (buildExecSpec ${format(medianOf(series.nemoclaw, 'build'))} + finalizeExec ${format(medianOf(series.nemoclaw, 'finalize'))}; every plan built afresh: ${format(wiring('fresh'))} ms, buildExecSpec ${format(medianOf(series.fresh, 'build'))}).`,
  `The rest, ${format(added - wiring('nemoclaw'))} ms, is the launcher's sandbox setup and teardown (namespaces, mounts, Landlock, seccomp, the bridge); the launcher alone with the same plan measures ${format(median(totals('launcher')) - median(totals('plain')))} ms above the unsandboxed exec.`,
  `Timeline of a sandboxed exec (${startupIterations} runs of \`${stamp}\`, medians): buildExecSpec ${format(medianOf(startup.nemoclaw, 'build'))} ms → spawn until the command runs (launcher start-up and sandbox setup) ${format(medianOf(startup.nemoclaw, 'launch'))} ms` +
    ` → command printed until the launcher's exit is seen (command exit, teardown) ${format(medianOf(startup.nemoclaw, 'teardown'))} ms → finalizeExec ${format(medianOf(startup.nemoclaw, 'finalize'))} ms;` +
    ` without a sandbox: spawn until the command runs ${format(medianOf(startup.plain, 'start'))} ms, then ${format(medianOf(startup.plain, 'end'))} ms to the exit.`,
  '',
];
const file = join(packageDir, 'BENCHMARKS.md');
const existing = existsSync(file) ? readFileSync(file, 'utf8') : '# @nemoclaw/sandbox benchmarks\n';
const heading = '## OpenClaw exec backend';
const notesMarker =
  '<!-- openclaw exec notes below this line are kept when the bench rewrites this section -->';
const start = existing.indexOf(heading);
let next;
if (start < 0) {
  next = `${existing.trimEnd()}\n\n${section.join('\n')}`;
} else {
  const after = existing.indexOf('\n## ', start + heading.length);
  const end = after < 0 ? existing.length : after + 1;
  // Hand-written notes after the marker stay when the measured part is replaced.
  const notes = existing.indexOf(notesMarker, start);
  const kept = notes >= 0 && notes < end ? `\n${existing.slice(notes, end).trimEnd()}\n` : '';
  next = `${existing.slice(0, start)}${section.join('\n')}${kept}${after < 0 ? '' : `\n${existing.slice(after + 1)}`}`;
}
writeFileSync(file, next.endsWith('\n') ? next : `${next}\n`);
process.stdout.write(`${section.join('\n')}\n`);
