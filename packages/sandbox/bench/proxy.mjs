// Egress proxy benchmark: added latency per CONNECT tunnel, throughput of a 200 MB transfer through a
// tunnel, and 1,000 concurrent tunnels (proxy RSS), against direct loopback in the same run and
// against @anthropic-ai/sandbox-runtime's HTTP proxy when it is installed in a temporary directory
// (SANDBOX_RUNTIME_DIR, default /tmp/srt; never installed into this repository):
//   mkdir -p /tmp/srt && npm install --prefix /tmp/srt --ignore-scripts @anthropic-ai/sandbox-runtime
// Each proxy and the upstream servers run in their own processes. Also measures the full path from
// inside a real sandbox (curl -> the launcher's bridge -> Unix socket -> proxy) against the same curl
// download on the host. Writes BENCHMARKS.md (the egress proxy section above the notes marker).
// Usage: npm run build && npm run bench   (env: BENCH_QUICK=1 for a short run)
import { execFile, fork } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { cpus, loadavg, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.env.BENCH_QUICK === '1';
const latencyIterations = quick ? 100 : 300; // per round; 5 rounds (2 when quick)
const transferBytes = 200 * 1024 * 1024;
const transferRuns = quick ? 1 : 7;
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

async function cpuMillisecondsOf(child) {
  child.send('cpu');
  const [message] = await once(child, 'message');
  return message.cpuMicroseconds / 1000;
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
const median = (values) =>
  percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
/** Median over rounds of `values[i] / baseline[i]`: each round's paths ran back to back, so the ratio cancels most machine load. */
const pairedRatio = (values, baseline) => median(values.map((value, index) => value / baseline[index]));

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

/** MB/s of one 200 MB download from the source server, and the proxy process's CPU time for it. */
async function measureThroughput(sourcePort, proxyPort, child) {
  const socket = await openPath(sourcePort, proxyPort);
  let received = 0;
  const cpuBefore = child === undefined ? 0 : await cpuMillisecondsOf(child);
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
  const cpu = child === undefined ? 0 : (await cpuMillisecondsOf(child)) - cpuBefore;
  if (received !== transferBytes) throw new Error(`received ${received} of ${transferBytes} bytes`);
  return { rate: transferBytes / 1024 / 1024 / seconds, cpu };
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

/** Runs curl and returns its download rate in MB/s (checking that every byte arrived). */
function curlRate(output) {
  const [speed, size] = output.trim().split(' ').map(Number);
  if (size !== transferBytes) throw new Error(`curl received ${size} of ${transferBytes} bytes: ${output}`);
  return speed / 1024 / 1024;
}

const curlArguments = ['-sS', '-o', '/dev/null', '-w', '%{speed_download} %{size_download}'];

function curlOnHost(extra) {
  return new Promise((resolve, reject) => {
    execFile('/usr/bin/curl', [...curlArguments, ...extra], (error, stdout, stderr) =>
      error ? reject(new Error(`curl: ${stderr || error.message}`)) : resolve(curlRate(stdout)),
    );
  });
}

/**
 * The same 200 MB HTTP download with curl: on the host directly, on the host through the proxy
 * (CONNECT over loopback TCP), and inside a real sandbox through the launcher's bridge and the proxy
 * on a Unix socket (each proxy in its own process), interleaved; medians of MB/s.
 */
async function measureFullPath(port, tcpProxy) {
  if (!existsSync('/usr/bin/curl')) return { error: '/usr/bin/curl not found' };
  if (tcpProxy === undefined || tcpProxy.error !== undefined) return { error: 'the TCP proxy did not start' };
  let unixProxy;
  const cache = '/var/tmp/nemoclaw-bench/'; // outside /tmp, which is private inside the sandbox
  mkdirSync(cache, { recursive: true });
  const workdir = mkdtempSync(cache);
  try {
    const native = await import('@nemoclaw/native');
    const { parsePolicy } = await import('@nemoclaw/policy');
    const launcherPath = native.buildLauncherFromSource();
    const socketPath = join(workdir, 'proxy.sock');
    unixProxy = startChild('proxy-child.mjs', ['nemoclaw', ports, runtimeDirectory, socketPath]);
    await unixProxy.ready;
    const parsed = parsePolicy(
      [
        'version: 1',
        'filesystem_policy:',
        '  include_workdir: true',
        '  read_only: [/usr, /lib, /lib64, /bin, /etc]',
        '  read_write: [/dev/null]',
        'network_policies:',
        '  bench:',
        '    name: bench',
        '    endpoints:',
        `      - { host: 127.0.0.1, port: ${port}, allowed_ips: [127.0.0.1] }`,
        '',
      ].join('\n'),
      { workdir },
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
    const url = `http://127.0.0.1:${port}/bytes/${transferBytes}`;
    const bridgePort = 3128;
    const inSandbox = async () => {
      const result = await native.runSandboxed(
        parsed.value,
        ['/usr/bin/curl', ...curlArguments, '-x', `http://127.0.0.1:${bridgePort}`, '--proxytunnel', url],
        {
          workdir,
          launcherPath,
          env: { PATH: '/usr/bin:/bin' },
          bridge: { listen: `127.0.0.1:${bridgePort}`, unix_socket: socketPath },
        },
      );
      if (result.code !== 0) throw new Error(`sandboxed curl exited ${result.code}: ${result.stderr}`);
      return curlRate(result.stdout);
    };
    const samples = { direct: [], proxy: [], sandbox: [] };
    for (let round = 0; round < transferRuns; round += 1) {
      samples.direct.push(await curlOnHost([url]));
      samples.proxy.push(await curlOnHost(['-x', `http://127.0.0.1:${tcpProxy.port}`, '--proxytunnel', url]));
      samples.sandbox.push(await inSandbox());
    }
    console.log('full path samples (MB/s)', samples);
    return {
      direct: median(samples.direct),
      proxy: median(samples.proxy),
      sandbox: median(samples.sandbox),
      proxyShare: pairedRatio(samples.proxy, samples.direct),
      sandboxShare: pairedRatio(samples.sandbox, samples.direct),
      bridgeShare: pairedRatio(samples.sandbox, samples.proxy),
    };
  } catch (error) {
    return { error: error.message.split('\n')[0] };
  } finally {
    unixProxy?.child.kill();
    rmSync(workdir, { recursive: true, force: true });
  }
}

const megabytes = (bytes) => (bytes / 1024 / 1024).toFixed(1);
const milliseconds = (value) => value.toFixed(3);

const upstream = startChild('upstream-child.mjs', []);
const { echoPort, sourcePort, httpPort } = await upstream.ready;
const ports = `${echoPort},${sourcePort},${httpPort}`;
const loadAtStart = loadavg();

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
const proxyCpuSamples = new Map(paths.map((path) => [path.kind, []]));
const rounds = quick ? 2 : 5;
for (let round = 0; round < rounds; round += 1) {
  for (const path of paths) {
    latencySamples.get(path.kind).push(...(await measureLatency(echoPort, path.port)));
  }
}
for (let round = 0; round < transferRuns; round += 1) {
  for (const path of paths) {
    const { rate, cpu } = await measureThroughput(sourcePort, path.port, path.child);
    throughputSamples.get(path.kind).push(rate);
    proxyCpuSamples.get(path.kind).push(cpu);
  }
}
console.log('throughput samples (MB/s)', Object.fromEntries(throughputSamples));
const summarise = (kind) => {
  const samples = latencySamples.get(kind).sort((a, b) => a - b);
  const rates = throughputSamples.get(kind);
  return {
    latency: { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99) },
    throughput: median(rates),
    share: pairedRatio(rates, throughputSamples.get('direct')),
    proxyCpu: median(proxyCpuSamples.get(kind)),
  };
};
const direct = { name: 'direct loopback', ...summarise('direct') };
const fullPath = await measureFullPath(
  httpPort,
  contenders.find((contender) => contender.kind === 'nemoclaw'),
);
console.log('full path', fullPath);
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
}
for (const contender of contenders) contender.child.kill();
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
  `Date: ${new Date().toISOString()} · kernel ${release()} · ${cpu} × ${cpus().length} · Node ${process.version} · load average at the start ${loadAtStart.map((value) => value.toFixed(1)).join(' / ')}, at the end ${load} (1/5/15 min)${quick ? ' · QUICK run' : ''}`,
  '',
  'Each proxy, the upstream servers and the client run in separate processes on loopback TCP. Latency = open a',
  'connection (through the proxy: TCP connect + `CONNECT` + `200`) and get one echoed byte back, sequentially,',
  `${rounds} rounds × ${latencyIterations} samples after warm-up, rounds interleaved between direct and each proxy. Throughput = one ${transferBytes / 1024 / 1024} MB download through one tunnel (median of ${transferRuns} interleaved rounds;`,
  '"vs direct" is the median of the per-round ratios, each round running the paths back to back), with the same client code and 64 KB upstream',
  'writes for every path; proxy CPU = user + system time of the proxy process during one such download (median), which load from other processes barely changes.',
  `Concurrency = ${concurrentTunnels} tunnels opened (100 at a time), each proven with an echo, then held; RSS of the proxy process`,
  '(after a forced GC) before, while held, and 0.5 s after closing them. sandbox-runtime: ' +
    runtimeNote +
    '.',
  '',
  '| | p50 per tunnel (ms) | p99 (ms) | added p50 vs direct (ms) | added p99 (ms) | 200 MB (MB/s) | vs direct | proxy CPU per 200 MB (ms) | RSS before / 1,000 held / after (MB) | heap per tunnel (KB) | open 1,000 (s) |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  `| ${direct.name} | ${milliseconds(direct.latency.p50)} | ${milliseconds(direct.latency.p99)} | – | – | ${direct.throughput.toFixed(0)} | 100% | – | – | – | – |`,
];
for (const result of results) {
  if (result.error !== undefined) {
    lines.push(`| ${result.name} | failed: ${result.error} | | | | | | | | | |`);
    continue;
  }
  const { latency, throughput, concurrency } = result;
  lines.push(
    `| ${result.name} | ${milliseconds(latency.p50)} | ${milliseconds(latency.p99)} | ${milliseconds(latency.p50 - direct.latency.p50)} | ${milliseconds(latency.p99 - direct.latency.p99)} | ${throughput.toFixed(0)} | ${(result.share * 100).toFixed(0)}% | ${result.proxyCpu.toFixed(0)} | ${megabytes(concurrency.before)} / ${megabytes(concurrency.held)} / ${megabytes(concurrency.after)} | ${(concurrency.heapPerTunnel / 1024).toFixed(1)} | ${concurrency.openSeconds.toFixed(2)} |`,
  );
}
const ours = results.find((result) => result.kind === 'nemoclaw' && result.error === undefined);
const theirs = results.find((result) => result.kind === 'sandbox-runtime' && result.error === undefined);
lines.push('');
if (ours !== undefined) {
  const added = ours.latency.p50 - direct.latency.p50;
  const ratio = ours.share;
  lines.push(
    `Targets: added p50 ≤ 1 ms → **${milliseconds(added)} ms (${added <= 1 ? 'met' : 'missed'})**; throughput ≥ 80% of direct → **${(ratio * 100).toFixed(0)}% (${ratio >= 0.8 ? 'met' : 'missed'})**; ` +
      `1,000 tunnels held at ${megabytes(ours.concurrency.held - ours.concurrency.before)} MB above the idle RSS (≈ ${((ours.concurrency.held - ours.concurrency.before) / ours.concurrency.tunnels / 1024).toFixed(1)} KB per tunnel).`,
  );
}
if (ours !== undefined && theirs !== undefined) {
  lines.push(
    '',
    `Ratios NemoClaw / sandbox-runtime: p50 per tunnel ${(ours.latency.p50 / theirs.latency.p50).toFixed(2)}×, ` +
      `p99 ${(ours.latency.p99 / theirs.latency.p99).toFixed(2)}×, throughput ${pairedRatio(throughputSamples.get('nemoclaw'), throughputSamples.get('sandbox-runtime')).toFixed(2)}×, proxy CPU per 200 MB ${(ours.proxyCpu / theirs.proxyCpu).toFixed(2)}×, ` +
      `RSS with 1,000 tunnels ${(ours.concurrency.held / theirs.concurrency.held).toFixed(2)}× (RSS added by them ${((ours.concurrency.held - ours.concurrency.before) / (theirs.concurrency.held - theirs.concurrency.before)).toFixed(2)}×, heap per tunnel ${(ours.concurrency.heapPerTunnel / theirs.concurrency.heapPerTunnel).toFixed(2)}×) (lower is better except throughput). ` +
      'Note: NemoClaw also parses the policy decision, SSRF-checks the address and peeks at the ClientHello per tunnel; ' +
      'sandbox-runtime ran with an allow-list filter and without its resolved-address guard (which would refuse loopback).',
  );
}
lines.push(
  '',
  '### Full path from inside a sandbox (curl, 200 MB over HTTP through a CONNECT tunnel)',
  '',
  'curl downloads the same 200 MB from a loopback HTTP server (in the upstream process): on the host directly, on the host through the',
  'egress proxy on loopback TCP, and inside a real sandbox (nemoclaw-sandbox-exec built from native/, own network namespace) through',
  "the launcher's bridge (loopback port in the sandbox → splice → the proxy's Unix socket, with the NEMOCLAW-PEER preamble) and the",
  `egress proxy (its own process). Interleaved, median of ${transferRuns} rounds (ratios: median of per-round ratios); rates as curl reports them.`,
  '',
);
if (fullPath.error !== undefined) {
  lines.push(`Not run: ${fullPath.error}.`);
} else {
  const share = (value) => `${(value * 100).toFixed(0)}%`;
  lines.push(
    '| path | 200 MB (MB/s) | vs curl direct |',
    '| --- | --- | --- |',
    `| curl → HTTP server (direct loopback, host) | ${fullPath.direct.toFixed(0)} | 100% |`,
    `| curl → egress proxy (loopback TCP) → HTTP server (host) | ${fullPath.proxy.toFixed(0)} | ${share(fullPath.proxyShare)} |`,
    `| curl in a sandbox → bridge → Unix socket → egress proxy → HTTP server | ${fullPath.sandbox.toFixed(0)} | ${share(fullPath.sandboxShare)} |`,
    '',
    `In the sandbox / on the host through the proxy: ${share(fullPath.bridgeShare)} (what the bridge hop and the namespace's loopback leave).`,
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
