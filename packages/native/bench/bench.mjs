// Benchmark: the launcher against bubblewrap, and `nemoclaw run` end to end against Anthropic's
// sandbox-runtime (`srt`), measured in the same hyperfine run. Writes packages/native/BENCHMARKS.md.
//
// Needs: the built packages (`npx turbo run build --filter=nemoclaw`, or `npm run build` in this
// package for the launcher alone), hyperfine and bubblewrap (`apt-get install -y hyperfine
// bubblewrap`), and for the srt row `srt` on PATH or in SRT_BIN (install it outside the repository:
// `npm install --prefix /var/tmp/srt-bench @anthropic-ai/sandbox-runtime`; on Linux it also needs
// socat and ripgrep). Rows whose tool is missing are reported as skipped, with the reason.
// BENCH_RUNS (default 30) sets the runs per command.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, homedir, loadavg, release } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 30);
const outputFile = join(packageDir, 'BENCHMARKS.md');

function which(name) {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

function versionOf(command, args = ['--version']) {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      .trim()
      .split('\n')[0];
  } catch {
    return 'unknown';
  }
}

const hyperfine = which('hyperfine');
if (hyperfine === null) {
  console.error('bench: hyperfine is not installed (apt-get install -y hyperfine)');
  process.exit(1);
}

const native = await import(join(packageDir, 'dist', 'index.js')).catch(() => null);
if (native === null) {
  console.error('bench: build this package first (npm run build -w @nemoclaw/native)');
  process.exit(1);
}
const { loadPolicyFile } = await import('@nemoclaw/policy');
const launcher = native.locateLauncher();
const policyFile = join(repoRoot, 'policies', 'default.yaml');
const benchDir = mkdtempSync('/var/tmp/nemoclaw-bench-');
const workdir = join(benchDir, 'work');
mkdirSync(workdir);
const loaded = loadPolicyFile(policyFile, { workdir, home: homedir() });
if (!loaded.ok) throw loaded.error;
const { plan } = native.buildPlan(loaded.value, {
  command: ['true'],
  workdir,
  home: homedir(),
  env: { PATH: '/usr/bin:/bin' },
});
const planFile = join(benchDir, 'plan.json');
writeFileSync(planFile, JSON.stringify(plan));

const commands = [
  { name: 'true', command: 'true', note: 'baseline: spawning a process' },
  { name: 'node -e 0', command: 'node -e 0', note: 'baseline: Node.js start-up' },
  {
    name: 'launcher (default policy)',
    command: `${launcher} --plan-fd 3 3< ${planFile}`,
    note: 'nemoclaw-sandbox-exec alone, the default policy plan for `true`',
  },
];
const skipped = [];
const bwrap = which('bwrap');
if (bwrap === null) skipped.push('bwrap: not installed (apt-get install -y bubblewrap)');
else
  commands.push({
    name: 'bwrap',
    command: `${bwrap} --ro-bind / / --unshare-all true`,
    note: 'bubblewrap, every namespace, read-only root, no seccomp, no Landlock',
  });

let cli = join(repoRoot, 'apps', 'nemoclaw', 'dist', 'cli.js');
const cliSource = 'apps/nemoclaw/dist/cli.js (the built CLI)';
if (!existsSync(cli)) {
  cli = null;
  skipped.push('nemoclaw run: apps/nemoclaw is not built (npx turbo run build --filter=nemoclaw)');
}
if (cli !== null)
  commands.push(
    {
      name: 'nemoclaw run -- true',
      command: `node ${cli} run --policy ${policyFile} --workdir ${workdir} -- true`,
      note: `end to end, as people run it: Node start-up, the validated plan from the plan cache (every policy byte re-hashed, every path the plan depends on re-inspected), launcher (${cliSource})`,
    },
    {
      name: 'nemoclaw run --no-cache -- true',
      command: `node ${cli} run --no-cache --policy ${policyFile} --workdir ${workdir} -- true`,
      note: 'end to end without the plan cache (a first run, or a policy just edited): policy load and full validation, plan, launcher',
    },
  );

const srtCandidates = [process.env.SRT_BIN, '/var/tmp/srt-bench/node_modules/.bin/srt', which('srt')];
const srt = srtCandidates.find((candidate) => candidate && existsSync(candidate)) ?? null;
let srtVersion = 'not installed';
if (srt === null) {
  skipped.push(
    'srt: @anthropic-ai/sandbox-runtime is not installed (npm install --prefix /var/tmp/srt-bench @anthropic-ai/sandbox-runtime; needs bwrap, socat, ripgrep)',
  );
} else {
  srtVersion = versionOf(srt);
  commands.push({
    name: 'srt -c true',
    command: `${srt} -c true`,
    note: `Anthropic sandbox-runtime ${srtVersion}`,
  });
}

const load = loadavg()
  .map((value) => value.toFixed(2))
  .join(' ');
const jsonFile = join(benchDir, 'hyperfine.json');
const args = ['--warmup', '3', '--runs', String(runs), '--export-json', jsonFile, '--style', 'basic'];
for (const entry of commands) args.push('-n', entry.name, entry.command);
console.error(`bench: ${commands.length} commands, ${runs} runs each (load average ${load})`);
// The plan cache and its key in the bench directory: the first warm-up run fills the cache.
execFileSync(hyperfine, args, {
  cwd: workdir,
  stdio: ['ignore', 'inherit', 'inherit'],
  env: {
    ...process.env,
    NEMOCLAW_SANDBOX_EXEC: launcher,
    XDG_CACHE_HOME: join(benchDir, 'cache'),
    NEMOCLAW_HOME: join(benchDir, 'state'),
  },
});

// The `nemoclaw run` row measures plan-cache hits only if the warm-up filled the cache.
const planCache = join(benchDir, 'cache', 'nemoclaw', 'plans');
const cacheFilled = existsSync(planCache) && readdirSync(planCache).some((name) => name.endsWith('.json'));
if (cli !== null && !cacheFilled) {
  skipped.push(
    'plan cache: no entry was written, so the `nemoclaw run` row measured full loads (build every package: npx turbo run build --filter=nemoclaw)',
  );
  console.error(
    'bench: warning: the plan cache stayed empty; rebuild with `npx turbo run build --filter=nemoclaw`',
  );
}
const results = JSON.parse(readFileSync(jsonFile, 'utf8')).results;
const byName = new Map(results.map((result) => [result.command, result]));
const milliseconds = (seconds) => (seconds * 1000).toFixed(1);
const median = (name) => byName.get(name)?.median;
const ratio = (numerator, denominator) => {
  const top = median(numerator);
  const bottom = median(denominator);
  return top === undefined || bottom === undefined ? null : top / bottom;
};
const launcherRatio = ratio('launcher (default policy)', 'bwrap');
const runRatio = ratio('nemoclaw run -- true', 'srt -c true');
const coldRatio = ratio('nemoclaw run --no-cache -- true', 'srt -c true');

const cpuModel = cpus()[0]?.model ?? 'unknown';
const lines = [
  '# @nemoclaw/native benchmarks',
  '',
  `Measured ${new Date().toISOString()} with \`npm run bench\` (packages/native/bench/bench.mjs).`,
  '',
  `- machine: Linux ${release()}, ${cpuModel} (${cpus().length} CPUs), Node ${process.version}`,
  `- load average at start: ${load} (a shared machine: compare the ratios, measured in the same run, rather than absolute times)`,
  `- tools: ${versionOf(hyperfine)}, ${bwrap === null ? 'bwrap not installed' : `bubblewrap ${versionOf(bwrap)}`}, srt ${srtVersion}`,
  `- ${runs} runs per command after 3 warm-up runs; hyperfine subtracts its shell start-up`,
  '',
  '| command | median ms | mean ms | min ms | max ms | CPU ms (user+sys, mean) | what it is |',
  '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
];
for (const entry of commands) {
  const result = byName.get(entry.name);
  if (result === undefined) continue;
  lines.push(
    `| \`${entry.name}\` | ${milliseconds(result.median)} | ${milliseconds(result.mean)} | ${milliseconds(result.min)} | ${milliseconds(result.max)} | ${milliseconds(result.user + result.system)} | ${entry.note} |`,
  );
}
const cpuRatio = (numerator, denominator) => {
  const top = byName.get(numerator);
  const bottom = byName.get(denominator);
  return top === undefined || bottom === undefined
    ? null
    : (top.user + top.system) / (bottom.user + bottom.system);
};
const format = (value) => (value === null ? 'n/a' : value.toFixed(2));
lines.push(
  '',
  '## Ratios (same run)',
  '',
  '| ratio | wall time (medians) | CPU time (means) | target (wall) |',
  '| --- | ---: | ---: | ---: |',
  `| launcher / bwrap | ${format(launcherRatio)} | ${format(cpuRatio('launcher (default policy)', 'bwrap'))} | <= 1.0 |`,
  `| nemoclaw run / srt | ${format(runRatio)} | ${format(cpuRatio('nemoclaw run -- true', 'srt -c true'))} | <= 0.4 |`,
  `| nemoclaw run --no-cache / srt | ${format(coldRatio)} | ${format(cpuRatio('nemoclaw run --no-cache -- true', 'srt -c true'))} | (first run) |`,
  '',
  'CPU time (user + system of the command and its children) is less disturbed by other load on a',
  'shared machine than wall time.',
);
if (skipped.length > 0) lines.push('', '## Skipped', '', ...skipped.map((reason) => `- ${reason}`));
lines.push(
  '',
  '## What is compared',
  '',
  '- The launcher row does everything the default policy asks: user, mount, pid, net, ipc, uts and cgroup',
  '  namespaces, a fresh /proc, a private /tmp, 20 masked paths, Landlock (ABI 7: paths, TCP, scoping),',
  '  rlimits, no_new_privs, capabilities dropped, the seccomp filter, PID 1 reaping; bwrap does',
  '  namespaces and one bind mount only.',
  '- `nemoclaw run` includes Node.js start-up (compare the `node -e 0` row) and the launcher. With the',
  '  plan cache (apps/nemoclaw/README.md) it re-reads and re-hashes every policy file of the `extends`',
  "  chain, re-inspects every path the plan was built on and checks the entry's HMAC, but loads neither",
  '  the YAML parser nor the schemas; `--no-cache` loads and validates the YAML policy in full and',
  '  builds the plan, as every run did before the cache. `srt` starts Node.js, its proxies, socat and a',
  '  ripgrep scan for dangerous files on every call.',
  '',
);
writeFileSync(outputFile, lines.join('\n'));
console.error(`bench: wrote ${outputFile}`);
console.error(
  `bench: launcher/bwrap = ${launcherRatio?.toFixed(2) ?? 'n/a'} (target <= 1.0), run/srt = ${runRatio?.toFixed(2) ?? 'n/a'} (target <= 0.4)`,
);
