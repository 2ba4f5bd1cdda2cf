// Runs one HTTP proxy in its own process for bench/proxy.mjs and answers RSS queries over IPC.
// argv: <kind: nemoclaw | sandbox-runtime> <comma-separated upstream ports> [sandbox-runtime dir]
//       [Unix socket path: nemoclaw listens there (bridge preamble required) instead of on loopback TCP]
import { pathToFileURL } from 'node:url';

const [kind, portsText, runtimeDirectory, unixSocket] = process.argv.slice(2);
const ports = (portsText ?? '').split(',').map(Number);

async function start() {
  if (kind === 'nemoclaw') {
    const { createEgressProxy } = await import('../dist/index.js');
    const proxy = await createEgressProxy({
      policies: {
        bench: { name: 'bench', endpoints: [{ host: '127.0.0.1', ports, allowed_ips: ['127.0.0.1'] }] },
      },
      listen: unixSocket ? { unixSocket } : { port: 0, host: '127.0.0.1' },
      limits: { maxTunnels: 4096 },
    });
    return 'port' in proxy.address ? proxy.address.port : proxy.address.unixSocket;
  }
  const modulePath = `${runtimeDirectory}/node_modules/@anthropic-ai/sandbox-runtime/dist/sandbox/http-proxy.js`;
  const { createHttpProxyServer } = await import(pathToFileURL(modulePath).href);
  // Allow exactly the same destinations; no lookupFor (its resolved-address guard would refuse loopback).
  const server = createHttpProxyServer({
    filter: (port, host) => host === '127.0.0.1' && ports.includes(port),
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server.address().port;
}

const port = await start();
process.on('message', (message) => {
  if (message === 'exit') {
    process.exit(0); // lets --cpu-prof write its profile
  }
  if (message === 'heap') {
    globalThis.gc?.();
    const usage = process.memoryUsage();
    process.send?.({
      heap: usage.heapUsed,
      external: usage.external,
      arrayBuffers: usage.arrayBuffers,
      rss: usage.rss,
    });
  }
  if (message === 'cpu') {
    const usage = process.cpuUsage();
    process.send?.({ cpuMicroseconds: usage.user + usage.system });
  }
  if (message === 'rss') {
    globalThis.gc?.();
    process.send?.({ rss: process.memoryUsage().rss });
  }
});
process.send?.({ port });
