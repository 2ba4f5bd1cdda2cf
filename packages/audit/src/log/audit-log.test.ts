import { appendFile, mkdtemp, readFile, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../canonical-json.js';
import { buildNetworkActivityEvent } from '../ocsf/network-activity.js';
import { listLogFiles } from './audit-log-files.js';
import { AuditLog } from './audit-log-writer.js';
import { type AuditRecord, computeRecordHash, genesisHash } from './audit-record.js';
import { followAuditLog } from './follow-audit-log.js';
import { tailAuditLog } from './read-audit-log.js';
import { describeVerifyFailure, verifyAuditLog } from './verify-audit-log.js';

let directory: string;
let logPath: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'nemoclaw-audit-'));
  logPath = join(directory, 'audit', 'events.jsonl');
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

function event(index: number): object {
  return buildNetworkActivityEvent({
    outcome: index % 2 === 0 ? 'open' : 'refuse',
    destination: { hostname: `host-${index}.example`, port: 443 },
    time: 1_700_000_000_000 + index,
  });
}

async function writeLog(count: number, options: ConstructorParameters<typeof Object>[0] = {}): Promise<void> {
  const log = await AuditLog.open(logPath, options as object);
  for (let index = 0; index < count; index += 1) await log.append(event(index));
  await log.close();
}

async function lines(path = logPath): Promise<string[]> {
  return (await readFile(path, 'utf8')).split('\n').filter((line) => line.length > 0);
}

async function writeLines(content: string[], path = logPath): Promise<void> {
  await writeFile(path, `${content.join('\n')}\n`);
}

function expectFailure(
  result: Awaited<ReturnType<typeof verifyAuditLog>>,
  line: number,
  code: string,
  file = logPath,
): void {
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect({ file: result.file, line: result.line, code: result.code }).toEqual({ file, line, code });
}

describe('the hash-chained log', () => {
  it('writes one canonical record per line, chained from the genesis hash, and verifies', async () => {
    await writeLog(5);
    const content = await lines();
    expect(content).toHaveLength(5);
    const records = content.map((line) => JSON.parse(line) as AuditRecord);
    expect(records.map((record) => record.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(records[0]?.prev_hash).toBe(genesisHash);
    for (const [index, record] of records.entries()) {
      expect(canonicalJson(record)).toBe(content[index]);
      expect(record.hash).toBe(computeRecordHash(record.seq, record.prev_hash, canonicalJson(record.event)));
      if (index > 0) expect(record.prev_hash).toBe(records[index - 1]?.hash);
    }
    const result = await verifyAuditLog(logPath);
    expect(result).toMatchObject({ ok: true, records: 5, lastHash: records[4]?.hash });
  });

  it('creates the directory 0700 and the file 0600', async () => {
    await writeLog(1);
    const { stat } = await import('node:fs/promises');
    expect((await stat(join(directory, 'audit'))).mode & 0o777).toBe(0o700);
    expect((await stat(logPath)).mode & 0o777).toBe(0o600);
  });

  it('resumes the chain after reopening', async () => {
    await writeLog(3);
    const log = await AuditLog.open(logPath);
    expect(log.nextSeq).toBe(3);
    await log.append(event(3));
    await log.close();
    expect(await verifyAuditLog(logPath)).toMatchObject({ ok: true, records: 4 });
  });

  it('keeps the chain intact under many concurrent appends from one process, in call order', async () => {
    const log = await AuditLog.open(logPath, { fsync: 'interval' });
    const records = await Promise.all(Array.from({ length: 300 }, (_, index) => log.append(event(index))));
    await log.close();
    expect(records.map((record) => record.seq)).toEqual(Array.from({ length: 300 }, (_, index) => index));
    expect(await verifyAuditLog(logPath)).toMatchObject({ ok: true, records: 300 });
  });

  it('refuses appends after close and events that are not JSON', async () => {
    const log = await AuditLog.open(logPath);
    await expect(log.append({ bad: Number.NaN })).rejects.toThrow(/non-finite/);
    await log.append(event(0));
    await log.close();
    await expect(log.append(event(1))).rejects.toMatchObject({ code: 'LOG_CLOSED' });
    expect(await verifyAuditLog(logPath)).toMatchObject({ ok: true, records: 1 });
  });
});

describe('verify detects tampering and names the first bad line', () => {
  beforeEach(async () => {
    await writeLog(6);
  });

  it('an edited event (hash mismatch)', async () => {
    const content = await lines();
    content[2] = content[2]?.replace('host-2.example', 'host-X.example') ?? '';
    await writeLines(content);
    const result = await verifyAuditLog(logPath);
    expectFailure(result, 3, 'HASH_MISMATCH');
    expect(describeVerifyFailure(result)).toBe(
      `${logPath}:3: record 2 does not match its hash: its content was changed [HASH_MISMATCH]`,
    );
  });

  it('an edit that re-serialises the line (not canonical)', async () => {
    const content = await lines();
    content[1] = JSON.stringify(JSON.parse(content[1] ?? ''), null, 1).replaceAll('\n', '');
    await writeLines(content);
    expectFailure(await verifyAuditLog(logPath), 2, 'NOT_CANONICAL');
  });

  it('an edited hash that re-links the next record (prev_hash mismatch at the next line)', async () => {
    const content = await lines();
    const record = JSON.parse(content[1] ?? '') as AuditRecord;
    record.event = { ...record.event, message: 'forged' };
    record.hash = computeRecordHash(record.seq, record.prev_hash, canonicalJson(record.event));
    content[1] = canonicalJson(record);
    await writeLines(content);
    expectFailure(await verifyAuditLog(logPath), 3, 'PREV_HASH_MISMATCH');
  });

  it('a deleted line', async () => {
    const content = await lines();
    content.splice(3, 1);
    await writeLines(content);
    const result = await verifyAuditLog(logPath);
    expectFailure(result, 4, 'SEQ_MISMATCH');
    expect(describeVerifyFailure(result)).toMatch(/expected seq 3 but found 4/);
  });

  it('reordered lines', async () => {
    const content = await lines();
    const [second, third] = [content[1] ?? '', content[2] ?? ''];
    content[1] = third;
    content[2] = second;
    await writeLines(content);
    expectFailure(await verifyAuditLog(logPath), 2, 'SEQ_MISMATCH');
  });

  it('an inserted line, even one with a correct-looking seq and hash', async () => {
    const content = await lines();
    const previous = JSON.parse(content[2] ?? '') as AuditRecord;
    const forgedEvent = JSON.parse(canonicalJson(event(99))) as AuditRecord['event'];
    const forged: AuditRecord = {
      seq: previous.seq + 1,
      prev_hash: previous.hash,
      hash: computeRecordHash(previous.seq + 1, previous.hash, canonicalJson(forgedEvent)),
      event: forgedEvent,
    };
    content.splice(3, 0, canonicalJson(forged));
    await writeLines(content);
    expectFailure(await verifyAuditLog(logPath), 5, 'SEQ_MISMATCH');
  });

  it('bytes cut out of the middle', async () => {
    const text = await readFile(logPath, 'utf8');
    const start = text.indexOf('\n', 100) + 40;
    await writeFile(logPath, text.slice(0, start) + text.slice(start + 300));
    expectFailure(await verifyAuditLog(logPath), 2, 'NOT_JSON');
  });

  it('a file cut in the middle of its last line', async () => {
    const text = await readFile(logPath, 'utf8');
    await truncate(logPath, Buffer.byteLength(text) - 20);
    expectFailure(await verifyAuditLog(logPath), 6, 'INCOMPLETE_LINE');
  });

  it('a blank or foreign line', async () => {
    const content = await lines();
    content.splice(2, 0, '{"hello":"world"}');
    await writeLines(content);
    expectFailure(await verifyAuditLog(logPath), 3, 'NOT_A_RECORD');
  });
});

describe('rotation', () => {
  it('rotates by size and verifies the chain across files; tampering in any file is found', async () => {
    const log = await AuditLog.open(logPath, { maxFileBytes: 4096 });
    for (let index = 0; index < 40; index += 1) await log.append(event(index));
    await log.close();
    const files = await listLogFiles(logPath);
    expect(files.length).toBeGreaterThan(3);
    expect(files.at(-1)).toBe(logPath);
    expect(files[0]).toBe(`${logPath}.000001`);
    for (const file of files) expect((await readFile(file)).length).toBeLessThanOrEqual(4096);
    expect(await verifyAuditLog(logPath)).toMatchObject({ ok: true, records: 40, files });

    // Reopen resumes from the newest file and keeps rotating.
    const again = await AuditLog.open(logPath, { maxFileBytes: 4096 });
    for (let index = 40; index < 50; index += 1) await again.append(event(index));
    await again.close();
    expect(await verifyAuditLog(logPath)).toMatchObject({ ok: true, records: 50 });

    const second = files[1] ?? '';
    const content = await lines(second);
    content[1] = content[1]?.replace('.example', '.evil') ?? '';
    await writeLines(content, second);
    expectFailure(await verifyAuditLog(logPath), 2, 'HASH_MISMATCH', second);
  });

  it('a deleted rotated file breaks the chain at the next file', async () => {
    const log = await AuditLog.open(logPath, { maxFileBytes: 4096 });
    for (let index = 0; index < 30; index += 1) await log.append(event(index));
    await log.close();
    const files = await listLogFiles(logPath);
    await unlink(files[1] ?? '');
    expectFailure(await verifyAuditLog(logPath), 1, 'SEQ_MISMATCH', files[2]);
  });

  it('resumes from the newest rotated file when the active file is empty', async () => {
    const log = await AuditLog.open(logPath, { maxFileBytes: 2048 });
    for (let index = 0; index < 8; index += 1) await log.append(event(index));
    await log.close();
    await writeFile(logPath, '');
    const again = await AuditLog.open(logPath, { maxFileBytes: 2048 });
    await again.append(event(8));
    await again.close();
    // The active file's records were removed from the end; the chain still links.
    const result = await verifyAuditLog(logPath);
    expect(result.ok).toBe(true);
  });
});

describe('crash safety', () => {
  it('a torn final line is reported by verify and cut off (never acknowledged) by the next writer', async () => {
    await writeLog(3);
    await appendFile(logPath, '{"seq":3,"prev_hash":"ab');
    expectFailure(await verifyAuditLog(logPath), 4, 'INCOMPLETE_LINE');
    const log = await AuditLog.open(logPath);
    expect(log.nextSeq).toBe(3);
    await log.append(event(3));
    await log.close();
    expect(await verifyAuditLog(logPath)).toMatchObject({ ok: true, records: 4 });
  });

  it('refuses to resume a log whose last complete line is not a record', async () => {
    await writeLog(2);
    await appendFile(logPath, 'garbage\n');
    await expect(AuditLog.open(logPath)).rejects.toMatchObject({ code: 'LOG_CORRUPT' });
  });
});

describe('HMAC-keyed chain', () => {
  const key = Buffer.from('0123456789abcdef0123456789abcdef');

  it('verifies with the key and fails without it or with another key', async () => {
    const log = await AuditLog.open(logPath, { hmacKey: key });
    for (let index = 0; index < 3; index += 1) await log.append(event(index));
    await log.close();
    expect(await verifyAuditLog(logPath, { hmacKey: key })).toMatchObject({ ok: true, records: 3 });
    expectFailure(await verifyAuditLog(logPath), 1, 'KEY_REQUIRED');
    expectFailure(
      await verifyAuditLog(logPath, { hmacKey: Buffer.from('another key of 32 bytes........') }),
      1,
      'HASH_MISMATCH',
    );
  });

  it('catches a whole chain recomputed without the key', async () => {
    await writeLog(3);
    expectFailure(await verifyAuditLog(logPath, { hmacKey: key }), 1, 'KEY_MISMATCH');
  });
});

describe('reading', () => {
  it('tails the last N lines across rotated files', async () => {
    const log = await AuditLog.open(logPath, { maxFileBytes: 2048 });
    for (let index = 0; index < 12; index += 1) await log.append(event(index));
    await log.close();
    const tail = await tailAuditLog(logPath, 4);
    expect(tail.map((line) => (JSON.parse(line.text) as AuditRecord).seq)).toEqual([8, 9, 10, 11]);
  });

  it('follows appends across a rotation', async () => {
    const log = await AuditLog.open(logPath, { maxFileBytes: 2048 });
    await log.append(event(0));
    const seen: number[] = [];
    const controller = new AbortController();
    const following = followAuditLog(
      logPath,
      (text) => {
        seen.push((JSON.parse(text) as AuditRecord).seq);
        if (seen.length === 10) controller.abort();
      },
      { signal: controller.signal, pollMs: 20 },
    );
    await new Promise((resolve) => setTimeout(resolve, 60));
    for (let index = 1; index <= 10; index += 1) await log.append(event(index));
    await following;
    await log.close();
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect((await listLogFiles(logPath)).length).toBeGreaterThan(1);
  });
});
