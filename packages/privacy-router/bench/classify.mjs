#!/usr/bin/env node
// Classification latency of the detection engine on one core: `npm run bench` in
// packages/privacy-router (builds first). Prompts of 2 KB, 8 KB and 64 KB are assembled from
// the labelled agent prompts and presidio-research sentences (so they carry secrets, identifiers
// and names at a realistic density). Peers in the same run:
//   - gitleaks-as-JS-RegExp: the same gitleaks rules compiled naively with JavaScript RegExp
//     (inline (?i) turned into the i flag), every rule on every prompt, no keyword prefilter;
//   - compromise: compromise's people()/places()/organizations() on the same prompt.
// Writes the "Classification" section of BENCHMARKS.md (replacing only that section).
import { execFileSync, execSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import nlp from 'compromise';

const detectorModule =
  process.env.NEMOCLAW_BENCH_DETECTOR ?? new URL('../dist/index.js', import.meta.url).href;
const { createDetector } = await import(detectorModule);
const { gitleaksRules } = await import(
  process.env.NEMOCLAW_BENCH_DETECTOR ?? new URL('../dist/index.js', import.meta.url).href
);
const agent = JSON.parse(readFileSync(new URL('../eval/agent-prompts.json', import.meta.url), 'utf8'));
const presidio = JSON.parse(
  readFileSync(new URL('../../../../shared/data/pii/generated_large.json', import.meta.url), 'utf8'),
);

/** Deterministic prompt of about `bytes` bytes, alternating agent prompts and presidio sentences. */
function prompt(bytes, seed) {
  const parts = [];
  let length = 0;
  let index = seed;
  while (length < bytes) {
    const item =
      index % 3 === 0
        ? presidio[(index * 7) % presidio.length].full_text
        : agent.items[(index * 5) % agent.items.length].text;
    parts.push(item);
    length += Buffer.byteLength(item) + 2;
    index += 1;
  }
  return parts.join('\n\n').slice(0, bytes);
}

function naiveRegExp(pattern) {
  let flags = 'g';
  let source = pattern;
  if (source.includes('(?i)')) {
    flags += 'i';
    source = source.replaceAll('(?i)', '');
  }
  source = source
    .replace(/\(\?-i:/g, '(?:')
    .replace(/\(\?i:/g, '(?:')
    .replace(/\(\?s:/g, '(?:')
    .replace(/\\z/g, '$')
    .replace(/\[\[:alnum:\]\]/g, '[0-9A-Za-z]');
  try {
    return new RegExp(source, flags);
  } catch {
    return undefined;
  }
}

const naiveRules = gitleaksRules
  .map((rule) => naiveRegExp(rule.regex))
  .filter((regex) => regex !== undefined);
function naiveGitleaks(text) {
  let count = 0;
  for (const regex of naiveRules) {
    regex.lastIndex = 0;
    for (const _ of text.matchAll(regex)) count += 1;
  }
  return count;
}

function compromiseNer(text) {
  const doc = nlp(text);
  return doc.people().length + doc.places().length + doc.organizations().length;
}

function percentile(sorted, fraction) {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
}

// Garbage-collection pauses, to tell which scans included one.
const gcPauses = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcPauses.push([entry.startTime, entry.startTime + entry.duration]);
}).observe({ entryTypes: ['gc'] });

/**
 * Times `fn` on `inputs` (cycled) `iterations` times after `warmUp` untimed calls (V8 compiles the
 * hot functions during the first few hundred scans; a router scans continuously). Wall-clock
 * percentiles, CPU time, the warm-up scans' own p50/max, and how many timed scans included a
 * garbage-collection pause.
 */
async function measure(fn, inputs, iterations, warmUp) {
  const warmSamples = [];
  for (let warm = 0; warm < warmUp; warm += 1) {
    const started = performance.now();
    fn(inputs[warm % inputs.length]);
    warmSamples.push(performance.now() - started);
  }
  const samples = [];
  const cpu = [];
  const spans = [];
  for (let iteration = 0; iteration < iterations; iteration += 1) {
    const input = inputs[iteration % inputs.length];
    const cpuStarted = process.cpuUsage();
    const started = performance.now();
    fn(input);
    const ended = performance.now();
    samples.push(ended - started);
    spans.push([started, ended]);
    const used = process.cpuUsage(cpuStarted);
    cpu.push((used.user + used.system) / 1000);
  }
  // GC entries are delivered asynchronously.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const withGc = new Set();
  spans.forEach(([started, ended], index) => {
    if (gcPauses.some(([gcStart, gcEnd]) => gcStart < ended && gcEnd > started)) withGc.add(index);
  });
  const withoutGc = samples.filter((_, index) => !withGc.has(index)).sort((left, right) => left - right);
  samples.sort((left, right) => left - right);
  cpu.sort((left, right) => left - right);
  warmSamples.sort((left, right) => left - right);
  gcPauses.length = 0;
  return {
    p50: percentile(samples, 0.5),
    p90: percentile(samples, 0.9),
    p99: percentile(samples, 0.99),
    max: samples[samples.length - 1],
    p99WithoutGc: withoutGc.length > 0 ? percentile(withoutGc, 0.99) : Number.NaN,
    scansWithGc: withGc.size,
    cpuP50: percentile(cpu, 0.5),
    cpuP99: percentile(cpu, 0.99),
    warmUpP50: warmSamples.length > 0 ? percentile(warmSamples, 0.5) : Number.NaN,
    warmUpMax: warmSamples.length > 0 ? warmSamples[warmSamples.length - 1] : Number.NaN,
    iterations,
    warmUp,
  };
}

const loadAtStart = loadavg()[0];
const coldStarted = process.cpuUsage();
const coldWall = process.hrtime.bigint();
const detector = createDetector();
detector.scan('warm up: key = 1');
const coldUsage = process.cpuUsage(coldStarted);
const cold = {
  wall: Number(process.hrtime.bigint() - coldWall) / 1e6,
  cpu: (coldUsage.user + coldUsage.system) / 1000,
};
// The same detector with a policy of 1000 terms (customer names), to show the term matcher's cost.
const termsDetector = createDetector({
  terms: { customers: Array.from({ length: 1000 }, (_, index) => `Customer ${index} Holdings`) },
});
/** Separate processes measuring NemoClaw (the table shows the median). */
const processes = 3;
// Enough timed scans that p99 is not the maximum (it was with 100: one pause decided it).
const sizes = [
  { label: '2 KB', bytes: 2 * 1024, iterations: 3000, warmUp: 300, peerIterations: 100 },
  { label: '8 KB', bytes: 8 * 1024, iterations: 1500, warmUp: 200, peerIterations: 40 },
  { label: '64 KB', bytes: 64 * 1024, iterations: 500, warmUp: 50, peerIterations: 10 },
];
// NemoClaw first, for every size, then the peers: compromise and the naive RegExp rules leave
// megabytes of garbage behind that would be collected during the next measurement.
const inputsBySize = sizes.map((size) =>
  Array.from({ length: 10 }, (_, seed) => prompt(size.bytes, seed * 11)),
);
/** NemoClaw's measurements for every size, in this process. */
async function measureOurs() {
  const results = [];
  for (const [index, size] of sizes.entries()) {
    const inputs = inputsBySize[index] ?? [];
    results.push(await measure((text) => detector.scan(text), inputs, size.iterations, size.warmUp));
  }
  return results;
}

if (process.argv.includes('--nemoclaw-only')) {
  // A worker run by the main process below: its measurements as JSON on stdout.
  process.stdout.write(JSON.stringify(await measureOurs()));
  process.exit(0);
}

// Separate processes, one after the other: on a shared VM a whole process sometimes runs ~40 %
// slower (every function alike, RE2's C++ included: the host, not the engine), so the table
// shows each process and the median of their p50/p99.
const runs = [];
for (let run = 0; run < processes; run += 1) {
  const output = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--nemoclaw-only'], {
    env: process.env,
    maxBuffer: 16 * 1024 * 1024,
  });
  const results = JSON.parse(output.toString());
  runs.push(results);
  for (const [index, size] of sizes.entries()) {
    const result = results[index];
    process.stdout.write(
      `process ${run + 1}, ${size.label}: nemoclaw p50 ${result.p50.toFixed(2)} ms p90 ${result.p90.toFixed(2)} ms p99 ${result.p99.toFixed(2)} ms max ${result.max.toFixed(2)} ms (${result.scansWithGc} of ${result.iterations} scans with a GC pause; p99 without them ${result.p99WithoutGc.toFixed(2)} ms)\n`,
    );
  }
}
const median = (values) => [...values].sort((left, right) => left - right)[Math.floor(values.length / 2)];
const ours = sizes.map((_, index) => {
  const perProcess = runs.map((results) => results[index]);
  const middle = [...perProcess].sort((left, right) => left.p99 - right.p99)[
    Math.floor(perProcess.length / 2)
  ];
  return {
    ...middle,
    p50: median(perProcess.map((result) => result.p50)),
    p99: median(perProcess.map((result) => result.p99)),
    perProcess,
  };
});
const rows = [];
for (const [index, size] of sizes.entries()) {
  const inputs = inputsBySize[index] ?? [];
  const withTerms = await measure(
    (text) => termsDetector.scan(text),
    inputs,
    Math.ceil(size.iterations / 2),
    Math.ceil(size.warmUp / 2),
  );
  const naive = await measure(naiveGitleaks, inputs, size.peerIterations, 3);
  const compromise = await measure(compromiseNer, inputs, size.peerIterations, 3);
  rows.push({ size: size.label, ours: ours[index], withTerms, naive, compromise });
  process.stdout.write(
    `${size.label}: with 1000 terms p50 ${withTerms.p50.toFixed(2)} ms | gitleaks-as-RegExp p50 ${naive.p50.toFixed(2)} | compromise p50 ${compromise.p50.toFixed(2)}\n`,
  );
}

const loadAtEnd = loadavg()[0];
const cpu = cpus()[0]?.model ?? 'unknown cpu';
const kernel = execSync('uname -r').toString().trim();
const table = [
  '| prompt | NemoClaw p50, median of 3 processes (each) | p90 | p99, median (each) | max | target p99 | scans with a GC pause (p99 of the others) | warm-up scans p50 / max | CPU time p50 | with 1000 policy terms: p50 / p99 | gitleaks rules as JS RegExp p50 / p99 (ratio p50) | compromise NER p50 / p99 (ratio p50) |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map(
    (row) =>
      `| ${row.size} | ${row.ours.p50.toFixed(2)} ms (${row.ours.perProcess.map((result) => result.p50.toFixed(1)).join(' / ')}) | ${row.ours.p90.toFixed(2)} ms | **${row.ours.p99.toFixed(2)} ms** (${row.ours.perProcess.map((result) => result.p99.toFixed(1)).join(' / ')}) | ${row.ours.max.toFixed(2)} ms | ${row.size === '8 KB' ? '5 ms' : row.size === '64 KB' ? '30 ms' : '-'} | ${row.ours.scansWithGc} of ${row.ours.iterations} (${row.ours.p99WithoutGc.toFixed(2)} ms) | ${row.ours.warmUpP50.toFixed(2)} / ${row.ours.warmUpMax.toFixed(2)} ms (${row.ours.warmUp}) | ${row.ours.cpuP50.toFixed(2)} ms | ${row.withTerms.p50.toFixed(2)} / ${row.withTerms.p99.toFixed(2)} ms | ${row.naive.p50.toFixed(2)} / ${row.naive.p99.toFixed(2)} ms (${(row.naive.p50 / row.ours.p50).toFixed(1)}x) | ${row.compromise.p50.toFixed(2)} / ${row.compromise.p99.toFixed(2)} ms (${(row.compromise.p50 / row.ours.p50).toFixed(1)}x) |`,
  ),
].join('\n');
const section = `## Classification

Detection latency of \`createDetector().scan(text)\` (every recognizer: ${gitleaksRules.length} gitleaks-derived secret rules plus NemoClaw's own in RE2, validated identifiers, names/places/organisations, addresses), one core, one prompt at a time. Prompts are assembled from the labelled agent prompts and presidio-research sentences (10 different prompts per size, cycled). Peers in the same run: the same gitleaks rules compiled naively as JavaScript RegExp (no keyword prefilter, no entropy or allowlists; rules JavaScript cannot compile are dropped: ${gitleaksRules.length - naiveRules.length}), and compromise's \`people()/places()/organizations()\`. Ratio = peer p50 / NemoClaw p50 (higher means NemoClaw is faster).

Machine: ${cpu}, Linux ${kernel}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}. Iterations: NemoClaw ${sizes.map((size) => `${size.label} ${size.iterations} timed after ${size.warmUp} warm-up scans`).join(', ')}; peers ${sizes.map((size) => `${size.label} ${size.peerIterations}`).join(', ')}. 1-minute load average at start ${loadAtStart.toFixed(1)}, at end ${loadAtEnd.toFixed(1)}, on ${cpus().length} cores (the machine is shared with other jobs, so wall-clock p50/p99 include waiting for a core; the CPU-time column is the time this process actually computed).

${table}

Cold start (\`createDetector()\` plus a first scan, which compiles the ~230 RE2 patterns and loads the lexicon): ${cold.wall.toFixed(0)} ms wall, ${cold.cpu.toFixed(0)} ms CPU.

Targets (wall-clock p99, one prompt at a time, median of the ${processes} processes): 8 KB <= 5 ms -> **${rows[1].ours.p99.toFixed(2)} ms (${rows[1].ours.p99 <= 5 ? 'met' : 'missed'})**; 64 KB <= 30 ms -> **${rows[2].ours.p99.toFixed(2)} ms (${rows[2].ours.p99 <= 30 ? 'met' : 'missed'})**.

How to read it. Each size is timed over enough scans that p99 is a real percentile (with the 100 scans of earlier runs, the 64 KB "p99" was the single slowest scan), after warm-up scans that let V8 compile the hot functions (the warm-up column shows what the first scans of a new process cost: a router scans continuously, so the steady state is what a request sees). NemoClaw is measured in ${processes} fresh processes, before any peer runs in this one: compromise and the naive RegExp rules leave megabytes of garbage that was collected during the next measurement and inflated it. On this shared VM a whole process sometimes runs about 40 % slower, every function alike, RE2's C++ code included (seen in CPU profiles of a fast and a slow process: the host, not the engine; pinning to one core does not avoid it), so the table gives each process and their median. Garbage collection: a scan of 8 KB allocates about 0.9 MB and one of 64 KB about 7 MB (tokens, line and match objects, RE2 results), so about one scan in twenty at 8 KB and one in two at 64 KB includes a young-generation scavenge of 1-2 ms (the GC column; the p99 of the other scans shows what GC adds at the tail); a larger semi-space makes each scavenge longer (tried: 32 and 64 MB). The CPU-time column comes from \`process.cpuUsage()\`, which the kernel accounts in scheduler ticks, so only its p50 is shown. The prompts are deliberately dense (every few lines a key, card, address or name), the expensive case. Where the time goes (per-recognizer timing, 8 KB, 2026-11-30): secret rules about 26 %, street addresses about 22 %, names/places/organisations about 20 %, phone candidates 8 %, then crypto, IBAN, IP, card and URL candidates; about 40 % of all scan time is inside RE2. Policy terms are nearly free (the 1000-term column). The peers are far slower on the same inputs (the naive JS RegExp gitleaks rules also lack keyword prefilters, entropy and allowlists, i.e. they do less).

Second speed pass (2026-11-30, issue #5), the engine at the start of the day (commit da695d4) and this one in one process, alternately scanning the same prompts, wall-clock p50 on a quiet machine: 2 KB 0.83 -> 0.78 ms, 8 KB 2.68 -> 2.60 ms, 64 KB 21.45 -> 19.75 ms (0.95x, 0.97x, 0.92x), although this one also recognises organisations by legal form, cues and a curated list (about +0.06 ms per 8 KB). Findings identical on 4,426 texts (both evaluation sets, their non-ASCII variants and the bench prompts; names excluded, which changed on purpose). What changed: the URL, e-mail, IPv4/IPv6, MAC, Bech32 and Ethereum patterns run only on the white-space-delimited words that hold their needle (\`://\`/\`www.\`, \`@\`, a digit-dot-digit, a colon pair, a hex separator group, \`bc1\`, \`0x\`) instead of every 2 KB block of the text (the URL pattern's \`{2,1000}\` repetitions cost RE2 about 7 ns a byte); the number-led street pattern no longer runs on lines that cannot hold a street line; the address extension scans separators by character code. Tried and dropped: finding match spans with RE2's \`search\` and a sticky \`test\` instead of \`exec\` (three times cheaper per match in isolation, but the \`subarray\` views and RE2's per-call handles cost as much as they saved); tokens whose strings are cut lazily (the token objects, not their strings, are most of the tokenizer's allocation).

First speed pass (issue #5), before/after: the engine of commit 54ac31e and this one in one process, alternately scanning the same prompts, CPU time per scan, 1-minute load average 6.3-6.6 on 2 cores (so both are inflated): 2 KB p50 2.32 -> 1.73 ms, 8 KB p50 7.46 -> 5.21 ms, 64 KB p50 43.2 -> 26.6 ms and p99 82.0 -> 64.2 ms (p50 0.75x, 0.70x, 0.61x; an earlier run at load 4.0 gave 8 KB 6.74 -> 4.87 ms and 64 KB 42.1 -> 25.9 ms); an 8 KB text without any entity (plain prose: the fixed cost of all passes) 1.32 -> 0.63 ms. Findings are identical on both evaluation sets, their non-ASCII variants and these prompts (2703 texts compared finding for finding). Garbage collection halved (young-generation scavenges per 200 scans of 8 KB: 25 -> 10), which is what p99 mostly pays for besides waiting for a core. What changed: one UTF-8 copy of the text shared by every RE2 search (each pattern used to encode its own copy of each window, line and digit region); one keyword pass for all recognizers (secret-rule keywords and context words), with pair/triple tables that skip almost every position; an operator check before \`generic-api-key\` opens a window; a necessary-condition shortcut for gitleaks' global allowlist; capture-free patterns where the span follows from the match (NemoClaw's token-shaped secret rules, cards, US SSNs): RE2's capture extraction and the native buffer per group are the costly part of a search that matches; prefilters for the \`City, ST 12345\`, unit and postal patterns and for multi-word places (\`the\` starts thousands of phrases, few places); a tokenizer and an address line scan that no longer copy and case-convert every word; one digit-stretch pass shared by the phone, card and SSN recognizers; typed-array Keccak (EIP-55) and entropy. Earlier pass (policy terms, same day): with 1000 policy terms 8 KB 20.3 -> 6.6 ms, 64 KB 694 -> 41 ms.
`;

const benchmarksUrl = new URL('../BENCHMARKS.md', import.meta.url);
let report = existsSync(benchmarksUrl)
  ? readFileSync(benchmarksUrl, 'utf8')
  : '# @nemoclaw/privacy-router benchmarks\n';
const start = report.indexOf('## Classification');
if (start >= 0) {
  const next = report.indexOf('\n## ', start + 1);
  report = `${report.slice(0, start)}${section}${next >= 0 ? report.slice(next + 1) : ''}`;
} else {
  report = `${report.trimEnd()}\n\n${section}`;
}
writeFileSync(benchmarksUrl, report);
process.stdout.write('updated the Classification section of BENCHMARKS.md\n');
