// Router benchmark: latency the privacy router adds to the first streamed byte, and throughput at
// 50 concurrent streams, each measured against calling the same upstream directly in the same run.
// Upstream, router and load generator run in three threads so none steals the other's event loop.
// Usage: npm run build (or turbo build) then `node bench/router.mjs`; writes the "Router" section of
// BENCHMARKS.md. Options via env: BENCH_SEQUENTIAL (default 400), BENCH_CONCURRENT_REQUESTS (3000).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { Agent, request } from 'undici';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const prompt =
  'You are a coding assistant. Review the following function and suggest improvements for readability, ' +
  'error handling and performance. Keep the public interface unchanged and explain each change briefly.\n\n' +
  'export function parseConfig(text) {\n  const lines = text.split("\\n");\n  const result = {};\n' +
  '  for (const line of lines) {\n    if (!line.trim() || line.startsWith("#")) continue;\n' +
  '    const [key, ...rest] = line.split("=");\n    result[key.trim()] = rest.join("=").trim();\n  }\n  return result;\n}\n'.repeat(
    3,
  );

async function upstreamThread() {
  const chunks = ['Sure', ', here', ' is a', ' review', ' of the', ' code', '.'];
  const server = createServer((incoming, response) => {
    incoming.resume();
    incoming.on('end', () => {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      for (const content of chunks) {
        response.write(
          `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`,
        );
      }
      response.end(
        `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`,
      );
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  parentPort.postMessage({ port: server.address().port });
}

async function routerThread() {
  const { createRouter } = await import(new URL('../dist/index.js', import.meta.url).href);
  const base = `http://127.0.0.1:${workerData.upstreamPort}/v1`;
  const router = await createRouter({
    policy: {
      providers: {
        local: { kind: 'nemotron', base_url: base },
        cloud: { kind: 'openai-compatible', base_url: base, local: false, api_key_env: 'BENCH_KEY' },
      },
      default_route: 'local',
      rules: [{ when: { entities: ['EMAIL'] }, route: 'cloud' }],
    },
    environment: { BENCH_KEY: 'sk-bench' },
  });
  const address = await router.listen(0, '127.0.0.1');
  // The peer: a bare streaming proxy (node:http + undici, no scanning, no policy) in the same thread.
  const agent = new Agent({ connections: 256, keepAliveTimeout: 30_000 });
  const bare = createServer(async (incoming, outgoing) => {
    const chunks = [];
    for await (const chunk of incoming) chunks.push(chunk);
    const upstream = await agent.request({
      origin: `http://127.0.0.1:${workerData.upstreamPort}`,
      path: incoming.url,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.concat(chunks),
    });
    outgoing.writeHead(upstream.statusCode, { 'content-type': upstream.headers['content-type'] });
    upstream.body.pipe(outgoing);
  });
  await new Promise((resolve) => bare.listen(0, '127.0.0.1', resolve));
  parentPort.postMessage({ port: address.port, barePort: bare.address().port });
}

const dispatcher = new Agent({ connections: 64, keepAliveTimeout: 60_000, pipelining: 1 });

async function streamOnce(origin, bodyOrMake) {
  const body = typeof bodyOrMake === 'function' ? bodyOrMake() : bodyOrMake;
  const started = process.hrtime.bigint();
  const response = await request(`${origin}/v1/chat/completions`, {
    method: 'POST',
    dispatcher,
    headers: { 'content-type': 'application/json' },
    body,
  });
  let firstByte;
  for await (const chunk of response.body) {
    if (firstByte === undefined && chunk.length > 0) firstByte = process.hrtime.bigint();
  }
  if (response.statusCode !== 200) throw new Error(`status ${response.statusCode}`);
  return Number((firstByte ?? process.hrtime.bigint()) - started) / 1e6;
}

function percentile(sorted, fraction) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
}

/**
 * Time to first byte of each path, interleaved request by request so every path sees the same
 * machine load; the added latency is the median of the per-round differences to the direct call.
 */
async function latencies(paths, count) {
  for (let index = 0; index < 50; index++)
    for (const { origin, body } of paths) await streamOnce(origin, body);
  const samples = paths.map(() => []);
  for (let index = 0; index < count; index++) {
    for (const [position, { origin, body }] of paths.entries())
      samples[position].push(await streamOnce(origin, body));
  }
  const direct = samples[0];
  return samples.map((values) => {
    const differences = values
      .map((value, index) => value - direct[index])
      .sort((left, right) => left - right);
    const sorted = [...values].sort((left, right) => left - right);
    return {
      p50: percentile(sorted, 0.5),
      p99: percentile(sorted, 0.99),
      added: percentile(differences, 0.5),
    };
  });
}

async function throughput(origin, body, total, concurrency = 50) {
  let next = 0;
  const worker = async () => {
    while (next < total) {
      next++;
      await streamOnce(origin, body);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return total / ((performance.now() - started) / 1000);
}

/** Requests/s of each path: rounds alternate between paths; the median round of each is kept. */
async function throughputs(paths, total, rounds = 3) {
  for (const { origin, body } of paths) await throughput(origin, body, Math.min(total, 500));
  const results = paths.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [position, { origin, body }] of paths.entries())
      results[position].push(await throughput(origin, body, total));
  }
  return results.map((values) => values.sort((left, right) => left - right)[Math.floor(values.length / 2)]);
}

function startThread(role, data = {}) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { role, ...data } });
    worker.once('message', (message) => resolve({ worker, port: message.port, barePort: message.barePort }));
    worker.once('error', reject);
  });
}

function machine() {
  const kernel = execFileSync('uname', ['-r']).toString().trim();
  return `Linux ${kernel}, ${cpus()[0]?.model ?? 'unknown CPU'} x${cpus().length}, Node ${process.version}`;
}

async function main() {
  if (!existsSync(new URL('../dist/index.js', import.meta.url))) {
    console.error(
      'bench/router.mjs: build the package first (npx turbo run build --filter=@nemoclaw/privacy-router)',
    );
    process.exit(1);
  }
  const sequential = Number(process.env.BENCH_SEQUENTIAL ?? 400);
  const concurrentTotal = Number(process.env.BENCH_CONCURRENT_REQUESTS ?? 2000);
  const upstream = await startThread('upstream');
  const router = await startThread('router', { upstreamPort: upstream.port });
  const direct = `http://127.0.0.1:${upstream.port}`;
  const routed = `http://127.0.0.1:${router.port}`;
  // Every request carries a different prompt (a counter), so the router scans each one afresh.
  let request = 0;
  const passBody = () =>
    JSON.stringify({
      model: 'm',
      stream: true,
      messages: [{ role: 'user', content: `${prompt}\nRequest ${++request}.` }],
    });
  const redactBody = () =>
    JSON.stringify({
      model: 'm',
      stream: true,
      messages: [
        { role: 'user', content: `${prompt}\nRequest ${++request}: send it to jane.doe@example.com.` },
      ],
    });
  // An agent-sized request: an 8 KB system prompt, 8 KB of tool definitions and 8 KB of history,
  // plus a new last user message every turn (as a chat client resends the whole conversation).
  const paragraph = `${prompt.slice(0, 512)} `;
  let turn = 0;
  const agentBody = () =>
    JSON.stringify({
      model: 'm',
      stream: true,
      tools: Array.from({ length: 8 }, (_, index) => ({
        type: 'function',
        function: {
          name: `tool_${index}`,
          description: paragraph.repeat(2),
          parameters: { type: 'object', properties: {} },
        },
      })),
      messages: [
        { role: 'system', content: paragraph.repeat(16) },
        ...Array.from({ length: 8 }, (_, index) => ({
          role: index % 2 === 0 ? 'user' : 'assistant',
          content: paragraph.repeat(2),
        })),
        {
          role: 'user',
          content: `Turn ${++turn}: now apply the review to the parser module and run the tests.`,
        },
      ],
    });
  const load = loadavg()[0].toFixed(1);
  const bareProxy = `http://127.0.0.1:${router.barePort}`;
  const paths = [
    { origin: direct, body: passBody },
    { origin: bareProxy, body: passBody },
    { origin: routed, body: passBody },
    { origin: routed, body: redactBody },
  ];
  const [directLatency, bareLatency, localLatency, redactLatency] = await latencies(paths, sequential);
  const [directRate, bareRate, localRate, redactRate] = await throughputs(paths, concurrentTotal);
  const agentRounds = Math.max(50, Math.round(sequential / 4));
  const [agentDirect, agentRouted] = await latencies(
    [
      { origin: direct, body: agentBody },
      { origin: routed, body: agentBody },
    ],
    agentRounds,
  );
  await Promise.all([upstream.worker.terminate(), router.worker.terminate()]);
  await dispatcher.close();

  const ms = (value) => value.toFixed(2);
  const section = [
    '## Router',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}; 1-minute load average ${load} at start`,
    '(the machine is shared: other jobs were running). `node bench/router.mjs` after building the package.',
    '',
    `Streamed chat completion (${Buffer.byteLength(prompt)}-byte prompt, different in every request, 8 SSE events) from a loopback upstream;`,
    'upstream, router and client in three threads. **Direct** calls the upstream itself; **bare proxy** is the',
    'named peer, a minimal node:http + undici streaming proxy in the router thread (no scanning, no policy):',
    'what any Node proxy hop costs. **Router local**',
    'goes through the router (scan + rule + true pass-through to a local provider), **router redact**',
    'through the router to a cloud provider with reversible redaction (scan, redact, key injection, SSE',
    'parse and placeholder restore). Time to first streamed byte over',
    `${sequential} sequential rounds (one request per path per round, after 50 warm-up rounds); "added" is the`,
    'median of the per-round differences to the direct call, so all paths see the same machine load.',
    `Throughput: ${concurrentTotal} requests at 50 concurrent per path, 3 alternating rounds, median round.`,
    '',
    '| path | first byte p50 (ms) | p99 (ms) | added vs direct, median (ms) | req/s at 50 concurrent | vs direct | vs bare proxy |',
    '|---|---:|---:|---:|---:|---:|---:|',
    `| direct upstream | ${ms(directLatency.p50)} | ${ms(directLatency.p99)} | - | ${directRate.toFixed(0)} | 1.00 | - |`,
    `| bare proxy (peer) | ${ms(bareLatency.p50)} | ${ms(bareLatency.p99)} | ${ms(bareLatency.added)} | ${bareRate.toFixed(0)} | ${(bareRate / directRate).toFixed(2)} | 1.00 |`,
    `| router local (pass-through) | ${ms(localLatency.p50)} | ${ms(localLatency.p99)} | ${ms(localLatency.added)} | ${localRate.toFixed(0)} | ${(localRate / directRate).toFixed(2)} | ${(localRate / bareRate).toFixed(2)} |`,
    `| router redact (cloud) | ${ms(redactLatency.p50)} | ${ms(redactLatency.p99)} | ${ms(redactLatency.added)} | ${redactRate.toFixed(0)} | ${(redactRate / directRate).toFixed(2)} | ${(redactRate / bareRate).toFixed(2)} |`,
    '',
    `Agent-sized request (${Math.round(Buffer.byteLength(agentBody()) / 1024)} KB body: system prompt, 8 tool definitions, 8 history`,
    `messages and a new user message each turn; ${agentRounds} interleaved rounds). Every string is scanned; texts`,
    'of 512+ characters already seen (the resent prefix) come from the per-policy findings cache, the new',
    'message is scanned.',
    '',
    '| path | first byte p50 (ms) | p99 (ms) | added vs direct, median (ms) |',
    '|---|---:|---:|---:|',
    `| direct upstream | ${ms(agentDirect.p50)} | ${ms(agentDirect.p99)} | - |`,
    `| router local (pass-through) | ${ms(agentRouted.p50)} | ${ms(agentRouted.p99)} | ${ms(agentRouted.added)} |`,
    '',
    'Target: router-added p50 to first byte <= 3 ms. Ratios are against direct and against the bare proxy,',
    'all in the same run. The upstream answers instantly, so these ratios bound the proxy cost from above:',
    'a real model spends tens of milliseconds per token, next to which the router work is small.',
    '',
  ].join('\n');
  const file = `${packageDir}BENCHMARKS.md`;
  const existing = existsSync(file)
    ? readFileSync(file, 'utf8')
    : '# @nemoclaw/privacy-router benchmarks\n\n';
  const pattern = /## Router\n[\s\S]*?(?=\n## |$)/;
  const updated = pattern.test(existing)
    ? existing.replace(pattern, `${section.trimEnd()}\n`)
    : `${existing.trimEnd()}\n\n${section}`;
  writeFileSync(file, `${updated.trimEnd()}\n`);
  console.log(section);
}

if (isMainThread) await main();
else if (workerData.role === 'upstream') await upstreamThread();
else await routerThread();
