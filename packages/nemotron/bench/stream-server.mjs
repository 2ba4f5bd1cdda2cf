// Loopback SSE server for the stream-overhead benchmark, run in its own process so that its CPU
// time is not charged to the client being measured. Prints its port, then serves the same
// pre-rendered stream of TOKENS chunks to every POST, written in 4 KiB slices (so boundaries fall
// inside lines, as on a real network).
import { createServer } from 'node:http';

const tokens = Number(process.argv[2] ?? 20000);
const parts = [];
for (let index = 0; index < tokens; index += 1) {
  const chunk = {
    id: 'chatcmpl-bench',
    object: 'chat.completion.chunk',
    created: 1764480000,
    model: 'nvidia/nemotron-3-nano-30b-a3b',
    choices: [{ index: 0, delta: { content: ` tok${index}` }, logprobs: null, finish_reason: null }],
  };
  parts.push(`data: ${JSON.stringify(chunk)}\n\n`);
}
parts.push(
  `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1764480000, model: 'nvidia/nemotron-3-nano-30b-a3b', choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }] })}\n\n`,
);
parts.push('data: [DONE]\n\n');
const body = Buffer.from(parts.join(''));
const slice = 4096;

const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    let offset = 0;
    const pump = () => {
      while (offset < body.length) {
        const end = Math.min(offset + slice, body.length);
        const more = response.write(body.subarray(offset, end));
        offset = end;
        if (!more) {
          response.once('drain', pump);
          return;
        }
      }
      response.end();
    };
    pump();
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${server.address().port} ${body.length}\n`);
});
process.stdin.on('end', () => server.close());
process.stdin.resume();
