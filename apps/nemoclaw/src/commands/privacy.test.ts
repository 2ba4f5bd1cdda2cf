import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NemoclawCliError } from '../cli-error.js';
import { executePrivacyScan, maximumScanLineBytes } from './privacy.js';

interface Outcome {
  code: number;
  lines: Array<Record<string, unknown>>;
  stderr: string;
}

async function scan(
  input: string | Buffer[],
  request: { policy?: string; jsonl?: boolean } = { jsonl: true },
): Promise<Outcome> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const stdin = Readable.from(typeof input === 'string' ? [Buffer.from(input)] : input);
  const code = await executePrivacyScan(request, { stdin, stdout, stderr });
  const text = Buffer.concat(out).toString('utf8');
  return {
    code,
    lines: text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>),
    stderr: Buffer.concat(err).toString('utf8'),
  };
}

const line = (id: string | number, text: string): string => `${JSON.stringify({ id, text })}\n`;

describe('nemoclaw privacy scan --jsonl', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'nemoclaw-privacy-scan-'));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('writes one result per line with entities and the default route', async () => {
    const result = await scan(
      line('a', 'SSN 536-22-1234 please') +
        line(2, 'nothing to see here') +
        line('c', 'mail me: jane.doe@example.org'),
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.lines).toEqual([
      { id: 'a', route: 'local', entities: [{ type: 'US_SSN', start: 4, end: 15, score: 0.85 }] },
      { id: 2, route: 'cloud', entities: [] },
      { id: 'c', route: 'cloud', entities: [{ type: 'EMAIL', start: 9, end: 29, score: 1 }] },
    ]);
  });

  it('reports malformed lines on stderr with their line number, keeps going, exits 1', async () => {
    const result = await scan(
      `${line('ok1', 'fine')}{not json\n\n[1,2]\n{"id":"x"}\n{"id":{},"text":"t"}\n${line('ok2', 'card 4104 3321 8196 0018')}`,
    );
    expect(result.code).toBe(1);
    expect(result.lines.map((entry) => entry.id)).toEqual(['ok1', 'ok2']);
    const errors = result.stderr.trim().split('\n');
    expect(errors[0]).toMatch(/^nemoclaw: privacy scan: line 2: not JSON/);
    expect(errors[1]).toBe('nemoclaw: privacy scan: line 4: expected an object {"id": ..., "text": "..."}');
    expect(errors[2]).toBe('nemoclaw: privacy scan: line 5: "text" must be a string');
    expect(errors[3]).toBe('nemoclaw: privacy scan: line 6: "id" must be a string or a number');
    expect(errors[4]).toBe('nemoclaw: privacy scan: 4 of 7 line(s) could not be scanned');
    expect(result.stderr).not.toMatch(/at .*\.ts:\d+/);
  });

  it('skips an oversized line without buffering it and scans the next one', async () => {
    const huge = Buffer.alloc(maximumScanLineBytes + 10, 0x61);
    const chunks = [
      Buffer.from('{"id":"big","text":"'),
      huge,
      Buffer.from('"}\n'),
      Buffer.from(line('after', 'SSN 536-22-1234')),
    ];
    const result = await scan(chunks);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('line 1: longer than');
    expect(result.lines.map((entry) => entry.id)).toEqual(['after']);
  });

  it('handles lines split across chunks, CRLF and a last line without newline', async () => {
    const text = `${line('one', 'SSN 536-22-1234').replace('\n', '\r\n')}{"id":"two","text":"x"}`;
    const chunks = Array.from(Buffer.from(text)).map((byte) => Buffer.from([byte]));
    const result = await scan(chunks);
    expect(result.code).toBe(0);
    expect(result.lines.map((entry) => entry.id)).toEqual(['one', 'two']);
  });

  it('routes with the policy rules and term lists when --policy is given', async () => {
    await writeFile(join(directory, 'customers.txt'), '# customers\nGlobex\n');
    const policy = join(directory, 'policy.yaml');
    await writeFile(
      policy,
      [
        'version: 1',
        'inference:',
        '  providers:',
        '    local: { kind: openai-compatible, base_url: "http://127.0.0.1:8000/v1" }',
        '    cloud: { kind: openai-compatible, base_url: "https://api.example.com/v1" }',
        '  default_route: cloud',
        '  rules:',
        '    - { when: { entities: [US_SSN, SECRET] }, route: local }',
        '    - { when: { terms: [customers] }, route: local }',
        '    - { when: { entities: [EMAIL] }, route: block }',
        '  terms: { customers: { file: ./customers.txt } }',
        '',
      ].join('\n'),
    );
    const result = await scan(
      line(1, 'SSN 536-22-1234') +
        line(2, 'renewal for globex') +
        line(3, 'write to a@b.io') +
        line(4, 'hello'),
      { policy, jsonl: true },
    );
    expect(result.stderr).toBe('');
    expect(result.lines.map((entry) => [entry.id, entry.route])).toEqual([
      [1, 'local'],
      [2, 'local'],
      [3, 'block'],
      [4, expect.stringMatching(/^cloud$/)],
    ]);
    expect(result.lines[1]?.entities).toEqual([
      { type: 'TERM', subtype: 'customers', start: 12, end: 18, score: 1 },
    ]);
  });

  it('refuses an invalid policy and a missing --jsonl with clear errors', async () => {
    const policy = join(directory, 'bad.yaml');
    await writeFile(policy, 'version: 1\ninference: { providers: {}, default_route: nowhere }\n');
    await expect(scan(line(1, 'x'), { policy, jsonl: true })).rejects.toThrow(NemoclawCliError);
    await expect(
      scan(line(1, 'x'), { policy: join(directory, 'missing.yaml'), jsonl: true }),
    ).rejects.toThrow(/privacy scan: invalid policy/);
    await expect(scan(line(1, 'x'), {})).rejects.toMatchObject({ code: 'USAGE', exitCode: 2 });
  });
});
