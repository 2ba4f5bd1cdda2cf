import { afterEach, describe, expect, it } from 'vitest';
import { NemotronClient } from '../nemotron-client.js';
import { startNimServer, startOllamaServer, startVllmServer } from '../testing/flavour-servers.js';
import { type LoopbackServer, startLoopbackServer } from '../testing/loopback-server.js';
import { sendJson } from '../testing/wire-format.js';
import { detectLocalServer, detectLocalServers, profileForDetectedServer } from './detect-local-server.js';

let servers: LoopbackServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

async function serve(server: Promise<LoopbackServer>): Promise<LoopbackServer> {
  const started = await server;
  servers.push(started);
  return started;
}

describe('detectLocalServers', () => {
  it('tells NIM, vLLM and Ollama apart by their own endpoints, with their models, in candidate order', async () => {
    const nim = await serve(startNimServer({ models: ['nvidia/nemotron-3-nano'] }));
    const vllm = await serve(
      startVllmServer({ models: ['nvidia/NVIDIA-Nemotron-Nano-9B-v2'], ready: false }),
    );
    const ollama = await serve(startOllamaServer({ models: ['nemotron-3-nano:30b'] }));
    const found = await detectLocalServers({
      candidates: [ollama.origin, nim.origin, vllm.origin],
      timeoutMs: 1000,
    });
    expect(found).toEqual([
      {
        flavour: 'ollama',
        origin: ollama.origin,
        version: '0.13.1',
        ready: true,
        models: [
          {
            id: 'nemotron-3-nano:30b',
            ownedBy: undefined,
            contextWindow: undefined,
            sizeBytes: 24_000_000_000,
          },
        ],
      },
      {
        flavour: 'nim',
        origin: nim.origin,
        version: '1.14.0',
        ready: true,
        models: [
          { id: 'nvidia/nemotron-3-nano', ownedBy: 'system', contextWindow: 262_144, sizeBytes: undefined },
        ],
      },
      {
        flavour: 'vllm',
        origin: vllm.origin,
        version: '0.11.2',
        ready: false,
        models: [
          {
            id: 'nvidia/NVIDIA-Nemotron-Nano-9B-v2',
            ownedBy: 'vllm',
            contextWindow: 131_072,
            sizeBytes: undefined,
          },
        ],
      },
    ]);
  });

  it('is not fooled by a server that answers 200 with HTML everywhere, and skips dead origins', async () => {
    const catchAll = await serve(
      startLoopbackServer((_request, response) => {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<html>welcome</html>');
      }),
    );
    const dead = await startLoopbackServer(() => undefined);
    const deadOrigin = dead.origin;
    await dead.close();
    expect(await detectLocalServers({ candidates: [catchAll.origin, deadOrigin], timeoutMs: 500 })).toEqual(
      [],
    );
    expect(await detectLocalServer({ candidates: [deadOrigin], timeoutMs: 500 })).toBeUndefined();
  });

  it('recognises a plain OpenAI-compatible server by /v1/models', async () => {
    const generic = await serve(
      startLoopbackServer((request, response) => {
        if (request.path === '/v1/models')
          sendJson(response, 200, { object: 'list', data: [{ id: 'm', object: 'model' }] });
        else sendJson(response, 404, { error: { message: 'not found' } });
      }),
    );
    expect(await detectLocalServer({ candidates: [generic.origin], timeoutMs: 500 })).toMatchObject({
      flavour: 'openai-compatible',
      models: [{ id: 'm' }],
    });
  });

  it('gives a profile that talks to the detected server', async () => {
    const ollama = await serve(startOllamaServer());
    const nim = await serve(startNimServer());
    for (const origin of [ollama.origin, nim.origin]) {
      const server = await detectLocalServer({ candidates: [origin], timeoutMs: 1000 });
      if (server === undefined) throw new Error(`nothing detected at ${origin}`);
      const client = new NemotronClient({ profile: profileForDetectedServer(server) });
      try {
        const answer = await client.chat({
          model: server.models[0]?.id ?? '',
          messages: [{ role: 'user', content: 'Hi' }],
        });
        expect(answer.content).toBe('Hello there');
      } finally {
        await client.close();
      }
    }
  });
});
