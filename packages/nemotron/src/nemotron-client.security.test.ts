import { spawn, spawnSync } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  nimProfile,
  nvidiaApiProfile,
  ollamaProfile,
  openAiCompatibleProfile,
  vllmProfile,
} from './endpoint-profile.js';
import { NemotronError } from './errors.js';
import { NemotronClient } from './nemotron-client.js';
import { startNimServer } from './testing/flavour-servers.js';
import { type LoopbackServer, startLoopbackServer } from './testing/loopback-server.js';
import { chatCompletionBody, errorBodies, sendJson } from './testing/wire-format.js';

const hello = {
  model: 'nvidia/nemotron-3-super-120b-a12b',
  messages: [{ role: 'user' as const, content: 'Hi' }],
};
const secret = 'nvapi-SECRET-0123456789abcdef';

let servers: LoopbackServer[] = [];
let clients: NemotronClient[] = [];
afterEach(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
  clients = [];
});

function track(client: NemotronClient): NemotronClient {
  clients.push(client);
  return client;
}

async function failure(promise: Promise<unknown>): Promise<NemotronError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof NemotronError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

function everythingAbout(error: NemotronError): string {
  return [error.message, error.stack ?? '', JSON.stringify(error), String(error.serverMessage)].join('\n');
}

describe('API keys come from the environment only', () => {
  it('sends the key from the named variable as a bearer token (legitimate use)', async () => {
    const server = await startNimServer();
    servers.push(server);
    const client = track(
      new NemotronClient({
        profile: nvidiaApiProfile({ baseUrl: `${server.origin}/v1` }),
        environment: { NVIDIA_API_KEY: secret },
      }),
    );
    await client.chat(hello);
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${secret}`);
  });

  it('fails with MISSING_API_KEY before sending anything when the variable is empty', async () => {
    const server = await startNimServer();
    servers.push(server);
    const client = track(
      new NemotronClient({
        profile: nvidiaApiProfile({ baseUrl: `${server.origin}/v1` }),
        environment: { NVIDIA_API_KEY: '  ' },
      }),
    );
    const error = await failure(client.chat(hello));
    expect(error.code).toBe('MISSING_API_KEY');
    expect(error.message).toContain('NVIDIA_API_KEY');
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a key passed as an authorization header option', () => {
    expect(
      () => new NemotronClient({ profile: nimProfile(), headers: { Authorization: `Bearer ${secret}` } }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(
      () =>
        new NemotronClient({ profile: nimProfile({ baseUrl: `http://user:${secret}@127.0.0.1:8000/v1` }) }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
  });

  it('refuses to send a key over plain HTTP to a non-loopback host (checked before connecting)', async () => {
    const client = track(
      new NemotronClient({
        profile: vllmProfile({ baseUrl: 'http://10.255.255.1:8000/v1', apiKeyEnv: 'VLLM_KEY' }),
        environment: { VLLM_KEY: secret },
      }),
    );
    const error = await failure(client.chat(hello));
    expect(error.code).toBe('INSECURE_TRANSPORT');
    expect(everythingAbout(error)).not.toContain(secret);
  });

  it('never puts the key in errors, even when the server echoes the Authorization header back', async () => {
    const server = await startLoopbackServer((request, response) => {
      sendJson(response, 401, errorBodies.openAi(`invalid key ${String(request.headers.authorization)}`), {
        'x-request-id': 'echo',
      });
    });
    servers.push(server);
    const client = track(
      new NemotronClient({
        profile: nvidiaApiProfile({ baseUrl: `${server.origin}/v1` }),
        environment: { NVIDIA_API_KEY: secret },
      }),
    );
    const error = await failure(client.chat(hello));
    expect(error).toMatchObject({ code: 'HTTP_ERROR', status: 401, requestId: 'echo' });
    expect(everythingAbout(error)).not.toContain(secret);
    expect(error.serverMessage).toContain('[redacted]');
  });

  it('blanks the key out of an error the server reports inside a stream', async () => {
    const server = await startLoopbackServer((request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end(
        `data: ${JSON.stringify(errorBodies.vllm(`bad token ${String(request.headers.authorization)}`, 401))}\n\n`,
      );
    });
    servers.push(server);
    const client = track(
      new NemotronClient({
        profile: nvidiaApiProfile({ baseUrl: `${server.origin}/v1` }),
        environment: { NVIDIA_API_KEY: secret },
      }),
    );
    const error = await failure((await client.chatStream(hello)).collect());
    expect(error.code).toBe('STREAM_ERROR');
    expect(everythingAbout(error)).not.toContain(secret);
  });

  it('does not follow redirects, so the key never reaches another origin', async () => {
    const elsewhere = await startNimServer();
    servers.push(elsewhere);
    const redirecting = await startLoopbackServer((_request, response) => {
      response.writeHead(307, { location: `${elsewhere.origin}/v1/chat/completions` });
      response.end();
    });
    servers.push(redirecting);
    const client = track(
      new NemotronClient({
        profile: nvidiaApiProfile({ baseUrl: `${redirecting.origin}/v1` }),
        environment: { NVIDIA_API_KEY: secret },
      }),
    );
    expect(await failure(client.chat(hello))).toMatchObject({ code: 'HTTP_ERROR', status: 307 });
    expect(elsewhere.requests).toHaveLength(0);
  });
});

describe('resource limits against a hostile server', () => {
  it('refuses to buffer a whole answer larger than maxResponseBytes', async () => {
    const server = await startLoopbackServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(`{"pad":"${'x'.repeat(300_000)}"}`);
    });
    servers.push(server);
    const client = track(
      new NemotronClient({
        profile: nimProfile({ baseUrl: `${server.origin}/v1` }),
        maxResponseBytes: 100_000,
      }),
    );
    const error = await failure(client.chat(hello));
    expect(error.code).toBe('MALFORMED_RESPONSE');
    expect(error.message).toMatch(/larger than 100000 bytes/);
    // Legitimate: with the default cap the same answer is read (and only then rejected for its shape).
    const roomy = track(new NemotronClient({ profile: nimProfile({ baseUrl: `${server.origin}/v1` }) }));
    expect((await failure(roomy.chat(hello))).message).toMatch(/wrong shape/);
  });

  it('refuses a stream line that never ends (SSE and Ollama NDJSON)', async () => {
    const server = await startLoopbackServer(async (request, response) => {
      response.writeHead(200, {
        'content-type': request.path === '/api/chat' ? 'application/x-ndjson' : 'text/event-stream',
      });
      for (let index = 0; index < 50 && !response.destroyed; index += 1) {
        response.write(
          request.path === '/api/chat'
            ? 'y'.repeat(10_000)
            : `${index === 0 ? 'data: ' : ''}${'y'.repeat(10_000)}`,
        );
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      response.end();
    });
    servers.push(server);
    const openAi = track(
      new NemotronClient({
        profile: nimProfile({ baseUrl: `${server.origin}/v1` }),
        maxEventLength: 100_000,
      }),
    );
    const sseError = await failure((await openAi.chatStream(hello)).collect());
    expect(sseError).toMatchObject({ code: 'MALFORMED_RESPONSE' });
    expect(sseError.message).toMatch(/longer than 100000 characters/);
    const ollama = track(
      new NemotronClient({ profile: ollamaProfile({ baseUrl: server.origin }), maxEventLength: 100_000 }),
    );
    const ndjsonError = await failure(
      (await ollama.chatStream({ ...hello, model: 'nemotron-3-nano:30b' })).collect(),
    );
    expect(ndjsonError).toMatchObject({ code: 'MALFORMED_RESPONSE' });
    expect(ndjsonError.message).toMatch(/longer than 100000 characters/);
  });
});

describe('structured output', () => {
  const schema = z.object({ city: z.string(), population: z.number().int() });

  it('sends the zod schema as JSON Schema and returns the validated value', async () => {
    const server = await startNimServer({
      chat: (_request, response) =>
        sendJson(response, 200, chatCompletionBody({ content: '{"city":"Zürich","population":421878}' })),
    });
    servers.push(server);
    const client = track(new NemotronClient({ profile: nimProfile({ baseUrl: `${server.origin}/v1` }) }));
    const { value } = await client.chatStructured(hello, schema, { schemaName: 'city' });
    expect(value).toEqual({ city: 'Zürich', population: 421878 });
    expect(server.requests[0]?.json).toMatchObject({
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'city',
          strict: true,
          schema: { type: 'object', required: ['city', 'population'] },
        },
      },
    });
  });

  it('rejects an answer that is not JSON or does not match the schema', async () => {
    const answers = ['Sure! Here is the JSON: {', '{"city":"Zürich","population":"many"}'];
    let next = 0;
    const server = await startNimServer({
      chat: (_request, response) => sendJson(response, 200, chatCompletionBody({ content: answers[next++] })),
    });
    servers.push(server);
    const client = track(new NemotronClient({ profile: nimProfile({ baseUrl: `${server.origin}/v1` }) }));
    expect(await failure(client.chatStructured(hello, schema))).toMatchObject({
      code: 'INVALID_JSON_OUTPUT',
    });
    const mismatch = await failure(client.chatStructured(hello, schema));
    expect(mismatch.code).toBe('INVALID_JSON_OUTPUT');
    expect(mismatch.message).toMatch(/population/);
  });
});

// The never-accepting listener needs a socket API that can listen without accepting (Node's
// cannot); python3 provides one. Ubuntu ships it; scripts/setup.sh should list python3-minimal.
const hasPython = spawnSync('python3', ['-c', 'pass']).status === 0;

describe('connect timeout', () => {
  it.skipIf(!hasPython)(
    'fails with CONNECT_TIMEOUT when the server never completes the handshake',
    async () => {
      // A real listening socket that never accepts (backlog 0): once its queue is full, the kernel
      // drops further SYNs, so a new connection hangs in the handshake.
      const python = spawn('python3', [
        '-c',
        'import socket,sys\ns=socket.socket()\ns.bind(("127.0.0.1",0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\nsys.stdin.read()',
      ]);
      try {
        const port = await new Promise<number>((resolve, reject) => {
          python.stdout.once('data', (data: Buffer) => resolve(Number(data.toString().trim())));
          python.once('error', reject);
        });
        const fillers: Socket[] = [];
        for (let index = 0; index < 3; index += 1) fillers.push(connect(port, '127.0.0.1'));
        const client = track(
          new NemotronClient({
            profile: openAiCompatibleProfile({ baseUrl: `http://127.0.0.1:${port}/v1` }),
            timeouts: { connectMs: 300 },
            retry: { maxRetries: 0 },
          }),
        );
        const error = await failure(client.chat(hello));
        expect(error.code).toBe('CONNECT_TIMEOUT');
        // Our precise connector fired (undici's own one-second-resolution backstop words it differently).
        expect(String((error.cause as Error).message)).toBe('connect timeout after 300 ms');
        for (const filler of fillers) filler.destroy();
      } finally {
        python.kill();
      }
    },
  );
});
