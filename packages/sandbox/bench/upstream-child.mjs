// Loopback upstreams for bench/proxy.mjs, in their own process: an echo server, a source that
// streams the number of bytes the client asks for ("<bytes>\n") and then closes, and an HTTP server
// that answers GET /bytes/<n> with n bytes (for curl, on the host and inside a sandbox).
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';

const echo = createServer((socket) => {
  socket.setNoDelay(true);
  socket.on('error', () => {});
  socket.pipe(socket);
});
const chunk = Buffer.alloc(64 * 1024, 0x61);
const source = createServer((socket) => {
  socket.on('error', () => {});
  let request = '';
  socket.on('data', function onData(data) {
    request += data.toString('latin1');
    const newline = request.indexOf('\n');
    if (newline < 0) return;
    socket.removeListener('data', onData);
    let remaining = Number(request.slice(0, newline));
    const pump = () => {
      while (remaining > 0) {
        const piece = remaining >= chunk.length ? chunk : chunk.subarray(0, remaining);
        remaining -= piece.length;
        if (!socket.write(piece)) {
          socket.once('drain', pump);
          return;
        }
      }
      socket.end();
    };
    pump();
  });
});
const http = createHttpServer((request, response) => {
  const match = /^\/bytes\/(\d+)$/.exec(request.url ?? '');
  if (match === null) {
    response.writeHead(404).end();
    return;
  }
  let remaining = Number(match[1]);
  response.writeHead(200, { 'content-length': remaining, 'content-type': 'application/octet-stream' });
  const pump = () => {
    while (remaining > 0) {
      const piece = remaining >= chunk.length ? chunk : chunk.subarray(0, remaining);
      remaining -= piece.length;
      if (!response.write(piece)) {
        response.once('drain', pump);
        return;
      }
    }
    response.end();
  };
  pump();
});
await Promise.all(
  [echo, source, http].map((server) => new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))),
);
process.send?.({
  echoPort: echo.address().port,
  sourcePort: source.address().port,
  httpPort: http.address().port,
});
