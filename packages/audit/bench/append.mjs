// Audit log throughput: hash-chained appends (per fsync policy) and verification, against pino
// writing the same events to a file (no chain) in the same run. Writes BENCHMARKS.md.
// Run after `npx turbo run build --filter=@nemoclaw/audit`: `npm run bench -w @nemoclaw/audit`.
import { execSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { AuditLog, buildHttpActivityEvent, verifyAuditLog } from '../dist/index.js';

const directory = await mkdtemp(join(tmpdir(), 'nemoclaw-audit-bench-'));
const event = () =>
  buildHttpActivityEvent({
    method: 'CONNECT',
    scheme: 'https',
    host: 'api.github.com',
    port: 443,
    decision: 'allow',
    responseCode: 200,
    policy: { name: 'network_policies.github' },
    source: { ip: '127.0.0.1' },
  });

async function chained(name, count, fsync) {
  const path = join(directory, name, 'events.jsonl');
  const log = await AuditLog.open(path, { fsync });
  const events = Array.from({ length: count }, event);
  const start = performance.now();
  for (const item of events) await log.append(item);
  await log.close();
  const seconds = (performance.now() - start) / 1000;
  return { path, perSecond: count / seconds };
}

async function pinoFile(count) {
  const path = join(directory, 'pino.jsonl');
  const destination = pino.destination({ dest: path, sync: true });
  const logger = pino({ base: undefined, timestamp: false }, destination);
  const events = Array.from({ length: count }, event);
  const start = performance.now();
  for (const item of events) logger.info(item);
  destination.flushSync();
  const seconds = (performance.now() - start) / 1000;
  return count / seconds;
}

const count = 20_000;
const never = await chained('never', count, 'never');
const interval = await chained('interval', count, 'interval');
const always = await chained('always', 1_000, 'always');
const peer = await pinoFile(count);
const verifyStart = performance.now();
const verified = await verifyAuditLog(never.path);
const verifyPerSecond = verified.records / ((performance.now() - verifyStart) / 1000);
await rm(directory, { recursive: true, force: true });

const round = (value) => Math.round(value).toLocaleString('en-US');
const ratio = (value) => (value / peer).toFixed(2);
const machine = `${execSync('uname -r').toString().trim()}, ${cpus()[0]?.model ?? 'unknown cpu'} x${cpus().length}, node ${process.version}`;
const table = `# @nemoclaw/audit benchmarks

Date: ${new Date().toISOString()}  
Machine: ${machine}

Appending an HTTP Activity event (about 900 bytes as a record) one at a time, awaiting each.
Peer: pino writing the same event objects to a file (sync destination, no hash chain, no fsync).

| What | events/s | vs pino |
| --- | ---: | ---: |
| pino to a file (peer) | ${round(peer)} | 1.00 |
| AuditLog append, fsync never | ${round(never.perSecond)} | ${ratio(never.perSecond)} |
| AuditLog append, fsync interval (1 s) | ${round(interval.perSecond)} | ${ratio(interval.perSecond)} |
| AuditLog append, fsync always (1,000 events) | ${round(always.perSecond)} | ${ratio(always.perSecond)} |
| verifyAuditLog (records/s) | ${round(verifyPerSecond)} | - |
`;
await writeFile(new URL('../BENCHMARKS.md', import.meta.url), table);
process.stdout.write(table);
