// Egress proxy benchmark: added latency per CONNECT tunnel, throughput of a 200 MB transfer through a
// tunnel, and 1,000 concurrent tunnels (proxy RSS), against direct loopback in the same run and
// against @anthropic-ai/sandbox-runtime's HTTP proxy when it is installed in a temporary directory
// (SANDBOX_RUNTIME_DIR, default /tmp/srt; never installed into this repository):
//   mkdir -p /tmp/srt && npm install --prefix /tmp/srt --ignore-scripts @anthropic-ai/sandbox-runtime
// Each proxy and the upstream servers run in their own processes. Writes BENCHMARKS.md.
// Usage: npm run build && npm run bench   (env: BENCH_QUICK=1 for a short run)
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { cpus, loadavg, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.env.BENCH_QUICK === '1';
const latencyIterations = quick ? 100 : 300; // per round; 5 rounds (2 when quick)
const transferBytes = 200 * 1024 * 1024;
const transferRuns = quick ? 1 : 5;
const concurrentTunnels = 1_000;
const runtimeDirectory = process.env.SANDBOX_RUNTIME_DIR ?? '/tmp/srt';
const runtimeModule = join(runtimeDirectory, 'node_modules/@anthropic-ai/sandbox-runtime');

function startChild(script, args, execArgv = []) {
  const child = fork(join(here, script), args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
  const ready = new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return { child, ready };
}

async function memoryOf(child) {
  child.send('heap');
  const [message] = await once(child, 'message');
  return message;
}

function openSocket(port) {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', noDelay: true });
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

function readExactly(socket, predicate) {
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const onData = (data) => {
      buffered = buffered.length === 0 ? data : Buffer.concat([buffered, data]);
      if (predicate(buffered)) {
        socket.removeListener('data', onData);
        socket.removeListener('error', reject);
        resolve(buffered);
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

/** Opens a connection to `upstreamPort`, directly or through a CONNECT tunnel of the proxy at `proxyPort`. */
async function openPath(upstreamPort, proxyPort) {
  if (proxyPort === undefined) {
    return openSocket(upstreamPort);
  }
  const socket = await openSocket(proxyPort);
  const head = readExactly(socket, (data) => data.includes('\r\n\r\n'));
  socket.write(`CONNECT 127.0.0.1:${upstreamPort} HTTP/1.1\r\nHost: 127.0.0.1:${upstreamPort}\r\n\r\n`);
  const reply = (await head).toString('latin1');
  if (!reply.startsWith('HTTP/1.1 200')) {
    throw new Error(`proxy refused: ${reply.split('\r\n')[0]}`);
  }
  return socket;
}

const percentile = (sorted, fraction) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];

/** Time from opening a connection to receiving the echo of one byte, per connection. */
async function measureLatency(echoPort, proxyPort) {
  const samples = [];
  const warmup = Math.floor(latencyIterations / 10);
  for (let index = 0; index < latencyIterations + warmup; index += 1) {
    const start = performance.now();
    const socket = await openPath(echoPort, proxyPort);
    const echoed = readExactly(socket, (data) => data.length >= 1);
    socket.write('x');
    await echoed;
    const elapsed = performance.now() - start;
    socket.destroy();
    if (index >= warmup) samples.push(elapsed);
  }
  return samples;
}

/** MB/s of a 200 MB download from the source server (median of the runs). */
async function measureThroughput(sourcePort, proxyPort) {
  const rates = [];
  for (let run = 0; run < 1; run += 1) {
    const socket = await openPath(sourcePort, proxyPort);
    let received = 0;
    const start = performance.now();
    const done = new Promise((resolve, reject) => {
      socket.on('data', (data) => {
        received += data.length;
      });
      socket.once('end', resolve);
      socket.once('error', reject);
    });
    socket.write(`${transferBytes}\n`);
    await done;
    const seconds = (performance.now() - start) / 1000;
    socket.destroy();
    if (received !== transferBytes) throw new Error(`received ${received} of ${transferBytes} bytes`);
    rates.push(transferBytes / 1024 / 1024 / seconds);
  }
  return rates[0];
}

/** Holds 1,000 tunnels open (each proven by an echo round trip) and reports the proxy's RSS. */
async function measureConcurrency(echoPort, proxyPort, child) {
  const beforeMemory = await memoryOf(child);
  const before = beforeMemory.rss;
  const sockets = [];
  const start = performance.now();
  for (let batch = 0; batch < concurrentTunnels; batch += 100) {
    const opened = await Promise.all(
      Array.from({ length: Math.min(100, concurrentTunnels - batch) }, async () => {
        const socket = await openPath(echoPort, proxyPort);
        const echoed = readExactly(socket, (data) => data.length >= 1);
        socket.write('x');
        await echoed;
        return socket;
      }),
    );
    sockets.push(...opened);
  }
  const openSeconds = (performance.now() - start) / 1000;
  const heldMemory = await memoryOf(child);
  const held = heldMemory.rss;
  const heapPerTunnel = (heldMemory.heap - beforeMemory.heap) / concurrentTunnels;
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const after = (await memoryOf(child)).rss;
  return { before, held, after, heapPerTunnel, openSeconds, tunnels: sockets.length };
}

const megabytes = (bytes) => (bytes / 1024 / 1024).toFixed(1);
const milliseconds = (value) => value.toFixed(3);

const upstream = startChild('upstream-child.mjs', []);
const { echoPort, sourcePort } = await upstream.ready;
const ports = `${echoPort},${sourcePort}`;

const contenders = [{ kind: 'nemoclaw', name: '@nemoclaw/sandbox egress proxy' }];
let runtimeNote = `not run: ${runtimeModule} not found`;
if (existsSync(runtimeModule)) {
  const version = JSON.parse(readFileSync(join(runtimeModule, 'package.json'), 'utf8')).version;
  contenders.push({ kind: 'sandbox-runtime', name: `@anthropic-ai/sandbox-runtime ${version} HTTP proxy` });
  runtimeNote = `run from ${runtimeDirectory} (not a dependency of this repository)`;
}
for (const contender of contenders) {
  const proxy = startChild('proxy-child.mjs', [contender.kind, ports, runtimeDirectory], ['--expose-gc']);
  contender.child = proxy.child;
  contender.port = (await proxy.ready).port;
}

// Concurrency first, on fresh proxy processes, so that RSS is not skewed by the transfers below.
for (const contender of contenders) {
  try {
    contender.concurrency = await measureConcurrency(echoPort, contender.port, contender.child);
  } catch (error) {
    contender.error = error.message;
  }
}

// Rounds interleave direct and every proxy so that load from other processes on the machine hits all
// of them alike; each figure is the median over the rounds.
const paths = [{ kind: 'direct', name: 'direct loopback', port: undefined }, ...contenders];
const latencySamples = new Map(paths.map((path) => [path.kind, []]));
const throughputSamples = new Map(paths.map((path) => [path.kind, []]));
const rounds = quick ? 2 : 5;
for (let round = 0; round < rounds; round += 1) {
  for (const path of paths) {
    latencySamples.get(path.kind).push(...(await measureLatency(echoPort, path.port)));
  }
}
for (let round = 0; round < transferRuns; round += 1) {
  for (const path of paths) {
    throughputSamples.get(path.kind).push(await measureThroughput(sourcePort, path.port));
  }
}
const summarise = (kind) => {
  const samples = latencySamples.get(kind).sort((a, b) => a - b);
  const rates = throughputSamples.get(kind).sort((a, b) => a - b);
  return {
    latency: { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99) },
    throughput: percentile(rates, 0.5),
  };
};
const direct = { name: 'direct loopback', ...summarise('direct') };
console.log('direct', direct);
const results = [];
for (const contender of contenders) {
  if (contender.error !== undefined) {
    console.error(`${contender.kind}: ${contender.error}`);
    results.push({ kind: contender.kind, name: contender.name, error: contender.error });
  } else {
    const result = {
      kind: contender.kind,
      name: contender.name,
      ...summarise(contender.kind),
      concurrency: contender.concurrency,
    };
    console.log(contender.kind, result);
    results.push(result);
  }
  contender.child.kill();
}
upstream.child.kill();

const cpu = cpus()[0]?.model ?? 'unknown';
const load = loadavg()
  .map((value) => value.toFixed(1))
  .join(' / ');
const lines = [
  '# @nemoclaw/sandbox benchmarks',
  '',
  '## Egress proxy (`npm run bench` → bench/proxy.mjs)',
  '',
  `Date: ${new Date().toISOString()} · kernel ${release()} · ${cpu} × ${cpus().length} · Node ${process.version} · load average at the end ${load} (1/5/15 min)${quick ? ' · QUICK run' : ''}`,
  '',
  'Each proxy, the upstream servers and the client run in separate processes on loopback TCP. Latency = open a',
  'connection (through the proxy: TCP connect + `CONNECT` + `200`) and get one echoed byte back, sequentially,',
  `${rounds} rounds × ${latencyIterations} samples after warm-up, rounds interleaved between direct and each proxy. Throughput = one ${transferBytes / 1024 / 1024} MB download through one tunnel (median of ${transferRuns} interleaved runs).`,
  `Concurrency = ${concurrentTunnels} tunnels opened (100 at a time), each proven with an echo, then held; RSS of the proxy process`,
  '(after a forced GC) before, while held, and 0.5 s after closing them. sandbox-runtime: ' +
    runtimeNote +
    '.',
  '',
  '| | p50 per tunnel (ms) | p99 (ms) | added p50 vs direct (ms) | added p99 (ms) | 200 MB (MB/s) | vs direct | RSS before / 1,000 held / after (MB) | heap per tunnel (KB) | open 1,000 (s) |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  `| ${direct.name} | ${milliseconds(direct.latency.p50)} | ${milliseconds(direct.latency.p99)} | – | – | ${direct.throughput.toFixed(0)} | 100% | – | – | – |`,
];
for (const result of results) {
  if (result.error !== undefined) {
    lines.push(`| ${result.name} | failed: ${result.error} | | | | | | | | |`);
    continue;
  }
  const { latency, throughput, concurrency } = result;
  lines.push(
    `| ${result.name} | ${milliseconds(latency.p50)} | ${milliseconds(latency.p99)} | ${milliseconds(latency.p50 - direct.latency.p50)} | ${milliseconds(latency.p99 - direct.latency.p99)} | ${throughput.toFixed(0)} | ${((throughput / direct.throughput) * 100).toFixed(0)}% | ${megabytes(concurrency.before)} / ${megabytes(concurrency.held)} / ${megabytes(concurrency.after)} | ${(concurrency.heapPerTunnel / 1024).toFixed(1)} | ${concurrency.openSeconds.toFixed(2)} |`,
  );
}
const ours = results.find((result) => result.kind === 'nemoclaw' && result.error === undefined);
const theirs = results.find((result) => result.kind === 'sandbox-runtime' && result.error === undefined);
lines.push('');
if (ours !== undefined) {
  const added = ours.latency.p50 - direct.latency.p50;
  const ratio = ours.throughput / direct.throughput;
  lines.push(
    `Targets: added p50 ≤ 1 ms → **${milliseconds(added)} ms (${added <= 1 ? 'met' : 'missed'})**; throughput ≥ 80% of direct → **${(ratio * 100).toFixed(0)}% (${ratio >= 0.8 ? 'met' : 'missed'})**; ` +
      `1,000 tunnels held at ${megabytes(ours.concurrency.held - ours.concurrency.before)} MB above the idle RSS (≈ ${((ours.concurrency.held - ours.concurrency.before) / ours.concurrency.tunnels / 1024).toFixed(1)} KB per tunnel).`,
  );
}
if (ours !== undefined && theirs !== undefined) {
  lines.push(
    '',
    `Ratios NemoClaw / sandbox-runtime: p50 per tunnel ${(ours.latency.p50 / theirs.latency.p50).toFixed(2)}×, ` +
      `p99 ${(ours.latency.p99 / theirs.latency.p99).toFixed(2)}×, throughput ${(ours.throughput / theirs.throughput).toFixed(2)}×, ` +
      `RSS with 1,000 tunnels ${(ours.concurrency.held / theirs.concurrency.held).toFixed(2)}× (RSS added by them ${((ours.concurrency.held - ours.concurrency.before) / (theirs.concurrency.held - theirs.concurrency.before)).toFixed(2)}×, heap per tunnel ${(ours.concurrency.heapPerTunnel / theirs.concurrency.heapPerTunnel).toFixed(2)}×) (lower is better except throughput). ` +
      'Note: NemoClaw also parses the policy decision, SSRF-checks the address and peeks at the ClientHello per tunnel; ' +
      'sandbox-runtime ran with an allow-list filter and without its resolved-address guard (which would refuse loopback).',
  );
}
lines.push('');
// Hand-written notes below the marker survive re-runs.
const notesMarker = '<!-- notes below this line are kept when the bench rewrites this file -->';
const benchmarksPath = join(here, '..', 'BENCHMARKS.md');
const previous = existsSync(benchmarksPath) ? readFileSync(benchmarksPath, 'utf8') : '';
const notes = previous.includes(notesMarker)
  ? previous.slice(previous.indexOf(notesMarker))
  : `${notesMarker}\n`;
writeFileSync(benchmarksPath, `${lines.join('\n')}\n${notes}`);
console.log(lines.join('\n'));
