// Benchmark: per-token cost of @nemoclaw/nemotron's streamed chat versus a naive but correct raw
// parse of the same stream with undici (request + split lines + JSON.parse), same server, same run.
// Usage: npm run bench (builds nothing: run `npm run build` first). Writes BENCHMARKS.md.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Agent, request } from 'undici';
import { NemotronClient, openAiCompatibleProfile } from '../dist/index.js';

const tokens = Number(process.env.BENCH_TOKENS ?? 20000);
const loadAtStart = loadavg()[0] ?? 0;
const rounds = Number(process.env.BENCH_ROUNDS ?? 31);
const warmup = 3;

const server = spawn(
  process.execPath,
  [fileURLToPath(new URL('./stream-server.mjs', import.meta.url)), String(tokens)],
  {
    stdio: ['pipe', 'pipe', 'inherit'],
  },
);
const [port, bytes] = await new Promise((resolve) => {
  server.stdout.once('data', (data) => resolve(String(data).trim().split(' ').map(Number)));
});
const baseUrl = `http://127.0.0.1:${port}/v1`;
const body = JSON.stringify({
  model: 'nvidia/nemotron-3-nano-30b-a3b',
  messages: [{ role: 'user', content: 'go' }],
  stream: true,
});

const agent = new Agent({ keepAliveTimeout: 10_000 });
/** The peer: undici request, split lines, JSON.parse each data line, collect the content. */
async function rawParse() {
  const response = await request(`${baseUrl}/chat/completions`, {
    dispatcher: agent,
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body,
  });
  const decoder = new TextDecoder();
  let buffer = '';
  let count = 0;
  const content = [];
  for await (const chunk of response.body) {
    buffer += decoder.decode(chunk, { stream: true });
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('data: ')) continue;
      const data = line.slice(6);
      if (data === '[DONE]') continue;
      const parsed = JSON.parse(data);
      const text = parsed.choices[0]?.delta?.content;
      if (typeof text === 'string' && text.length > 0) {
        content.push(text);
        count += 1;
      }
    }
  }
  if (content.join('') !== expectedText) throw new Error('raw parse produced the wrong text');
  return count;
}

const client = new NemotronClient({ profile: openAiCompatibleProfile({ baseUrl }) });
async function clientParse() {
  const stream = await client.chatStream({
    model: 'nvidia/nemotron-3-nano-30b-a3b',
    messages: [{ role: 'user', content: 'go' }],
  });
  const content = [];
  for await (const event of stream) {
    if (event.type === 'content') content.push(event.text);
  }
  // Deltas from one network read are merged (coalesceDeltas), so check the text, not the event count.
  if (content.join('') !== expectedText) throw new Error('client produced the wrong text');
  return tokens;
}

/** Wall-clock and CPU time (user + system of this process) per token, in ns. */
const expectedText = Array.from({ length: tokens }, (_, index) => ` tok${index}`).join('');

async function time(run) {
  const cpuStart = process.cpuUsage();
  const started = process.hrtime.bigint();
  const count = await run();
  const elapsed = Number(process.hrtime.bigint() - started);
  const cpu = process.cpuUsage(cpuStart);
  if (count !== tokens) throw new Error(`expected ${tokens} tokens, got ${count}`);
  return { wall: elapsed / count, cpu: ((cpu.user + cpu.system) * 1000) / count };
}

const median = (values) => {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)];
};

for (let index = 0; index < warmup; index += 1) {
  await time(rawParse);
  await time(clientParse);
}
const raw = [];
const ours = [];
for (let index = 0; index < rounds; index += 1) {
  // Alternate the order so neither side always runs on a warmer cache.
  if (index % 2 === 0) {
    raw.push(await time(rawParse));
    ours.push(await time(clientParse));
  } else {
    ours.push(await time(clientParse));
    raw.push(await time(rawParse));
  }
}
server.stdin.end();
server.kill();
await client.close();
await agent.close();

const rawNs = median(raw.map((sample) => sample.wall));
const oursNs = median(ours.map((sample) => sample.wall));
const ratio = oursNs / rawNs;
const rawCpu = median(raw.map((sample) => sample.cpu));
const oursCpu = median(ours.map((sample) => sample.cpu));
const cpuRatio = oursCpu / rawCpu;
const cpu = cpus()[0]?.model ?? 'unknown CPU';
const kernel = execFileSync('uname', ['-r']).toString().trim();
const version = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
const date = new Date().toISOString();
const lines = [
  '# @nemoclaw/nemotron benchmarks',
  '',
  '## Streamed chat: client overhead per token',
  '',
  `Date: ${date}  `,
  `Machine: Linux ${kernel}, ${cpu} (${cpus().length} logical CPUs), Node ${process.version}  `,
  `Load average (1 min) when the run started: ${loadAtStart.toFixed(1)} — absolute numbers move with other load on a shared machine; the ratio, from alternating rounds, is the result.  `,
  `Package version: ${version}; undici ${JSON.parse(readFileSync(new URL('../../../node_modules/undici/package.json', import.meta.url), 'utf8')).version}`,
  '',
  `Workload: one loopback server process streams ${tokens} OpenAI-style SSE chunks (${(bytes / 1e6).toFixed(1)} MB, vLLM's chunk shape,`,
  'written in 4 KiB slices so boundaries fall inside lines). Each side reads the whole stream and collects the content;',
  `median of ${rounds} alternating rounds after ${warmup} warm-up rounds each. Wall-clock is request to last byte; CPU is`,
  "the client process's user + system time over the same interval (less sensitive to other load on a shared machine).",
  '',
  '| reader | wall ns per token | CPU ns per token | tokens per second (wall) |',
  '| --- | ---: | ---: | ---: |',
  `| raw undici (request + split lines + JSON.parse) | ${rawNs.toFixed(0)} | ${rawCpu.toFixed(0)} | ${Math.round(1e9 / rawNs).toLocaleString('en-US')} |`,
  `| @nemoclaw/nemotron \`chatStream\` (SSE decoder, validation: hot-path guard for plain content chunks and zod for the rest, think-tag splitter, typed events) | ${oursNs.toFixed(0)} | ${oursCpu.toFixed(0)} | ${Math.round(1e9 / oursNs).toLocaleString('en-US')} |`,
  '',
  `**Ratio (client / raw): ${ratio.toFixed(2)}x wall-clock, ${cpuRatio.toFixed(2)}x CPU** (target <= 1.2x).`,
  '',
  'Run it: `npm run build -w @nemoclaw/nemotron && npm run bench -w @nemoclaw/nemotron`',
  '(`BENCH_TOKENS`, `BENCH_ROUNDS` override the defaults).',
  '',
];
writeFileSync(new URL('../BENCHMARKS.md', import.meta.url), lines.join('\n'));
console.log(lines.join('\n'));
console.log(`raw wall samples: ${raw.map((sample) => sample.wall.toFixed(0)).join(' ')}`);
console.log(`client wall samples: ${ours.map((sample) => sample.wall.toFixed(0)).join(' ')}`);
