import { EventEmitter } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NemoclawCliError } from '../cli-error.js';
import { runCli } from '../program.js';
import { executeRouterStart, executeRouterStatus } from './router.js';

/** A real OpenAI-compatible model server on loopback that answers every chat call with "ok". */
async function startModelServer(): Promise<{ server: Server; baseUrl: string; bodies: string[] }> {
  const bodies: string[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      bodies.push(body);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          object: 'chat.completion',
          choices: [{ index: 0, message: { role: 'assistant', content: 'ok' } }],
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, bodies };
}

function policyYaml(baseUrl: string, defaultRoute: string): string {
  return [
    'version: 1',
    'inference:',
    '  providers:',
    `    local: { kind: nemotron, base_url: "${baseUrl}", model: nemotron-nano }`,
    `  default_route: ${defaultRoute}`,
    '  rules:',
    '    - { when: { terms: [customers] }, route: local }',
    '  terms: { customers: { file: ./customers.txt } }',
    '',
  ].join('\n');
}

describe('nemoclaw router start|status', () => {
  let directory = '';
  let model: Awaited<ReturnType<typeof startModelServer>>;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'nemoclaw-router-cli-'));
    model = await startModelServer();
    await writeFile(join(directory, 'customers.txt'), '# customers\nAcme Corp\n');
  });
  afterEach(async () => {
    model.server.closeAllConnections();
    await new Promise((resolve) => model.server.close(resolve));
    await rm(directory, { recursive: true, force: true });
  });

  it('serves, reports status, reloads on SIGHUP, writes OCSF audit events and stops on SIGTERM', async () => {
    const policy = join(directory, 'policy.yaml');
    await writeFile(policy, policyYaml(model.baseUrl, 'local'));
    const logs = new PassThrough();
    let logText = '';
    logs.on('data', (chunk: Buffer) => {
      logText += chunk.toString();
    });
    const signals = new EventEmitter();
    let url = '';
    let running: Promise<number> | undefined;
    const listening = new Promise<void>((resolve, reject) => {
      running = executeRouterStart(
        { policy, port: 0, auditLog: join(directory, 'audit.jsonl') },
        {
          stdout: logs,
          signals,
          env: {},
          onListening: (address) => {
            url = address;
            resolve();
          },
        },
      );
      running.catch(reject);
    });
    await listening;
    const answer = await fetch(`${url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'x', messages: [{ role: 'user', content: 'Acme Corp renewal terms' }] }),
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-nemoclaw-route')).toBe('local');
    expect(answer.headers.get('x-nemoclaw-reason')).toContain('TERM:customers:1');
    expect(JSON.parse(model.bodies[0] ?? '{}').model).toBe('nemotron-nano');

    const port = Number(new URL(url).port);
    const human = new PassThrough();
    let humanText = '';
    human.on('data', (chunk: Buffer) => {
      humanText += chunk.toString();
    });
    expect(await executeRouterStatus({ port }, human)).toBe(0);
    expect(humanText).toContain('policy generation 1');
    expect(humanText).toMatch(/local\s+nemotron\s+local/);

    await writeFile(policy, policyYaml(model.baseUrl, 'block'));
    signals.emit('SIGHUP');
    for (let tries = 0; tries < 100 && !logText.includes('LOADED'); tries++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    const json = new PassThrough();
    let jsonText = '';
    json.on('data', (chunk: Buffer) => {
      jsonText += chunk.toString();
    });
    await executeRouterStatus({ port, json: true }, json);
    expect(JSON.parse(jsonText)).toMatchObject({
      policy: { generation: 2, defaultRoute: 'block' },
      counters: { requests: 1 },
    });

    await writeFile(policy, 'version: 1\ninference: { default_route: nowhere }\n');
    signals.emit('SIGHUP');
    for (let tries = 0; tries < 100 && !logText.includes('FAILED'); tries++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(logText).toContain('keeping the running one');

    signals.emit('SIGTERM');
    expect(await running).toBe(0);
    const lines = logText
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { msg: string });
    expect(lines.map((line) => line.msg)).toContain('privacy router stopped');
    expect(logText).not.toContain('Acme');
    const audit = await readFile(join(directory, 'audit.jsonl'), 'utf8');
    expect(audit).toContain('"class_uid":6003');
    expect(audit).not.toContain('Acme');
    await expect(fetch(`${url}/models`)).rejects.toThrow();
  });

  it('refuses a policy without an inference section, and a status with no router', async () => {
    const policy = join(directory, 'policy.yaml');
    await writeFile(policy, 'version: 1\n');
    const io = { stdout: new PassThrough(), signals: new EventEmitter(), env: {} };
    await expect(executeRouterStart({ policy, port: 0 }, io)).rejects.toThrow(/has no inference section/);
    const error = await executeRouterStatus({ port: 1 }, new PassThrough()).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(NemoclawCliError);
    expect((error as NemoclawCliError).message).toContain('no privacy router answering at 127.0.0.1:1');
  });

  it('rejects a bad port as a usage error', async () => {
    expect(await runCli(['node', 'nemoclaw', 'router', 'status', '--port', 'eighty'])).toBe(2);
  });
});
