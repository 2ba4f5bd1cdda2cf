import { Transform, type TransformCallback } from 'node:stream';

/**
 * One transform that runs `first`, then `second` (text in, text out): for a translation that
 * goes through chat completions, e.g. Anthropic events -> chat chunks -> Responses events. Errors
 * of either end the chain; ending the chain ends both in order.
 */
export function chainTransforms(first: Transform, second: Transform): Transform {
  let finish: TransformCallback | undefined;
  const chain = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      first.write(chunk);
      callback();
    },
    flush(callback: TransformCallback) {
      finish = callback;
      first.end();
    },
    destroy(error, callback) {
      first.destroy();
      second.destroy();
      callback(error);
    },
  });
  first.pipe(second);
  second.on('data', (chunk: Buffer | string) => chain.push(chunk));
  second.on('end', () => finish?.());
  first.on('error', (error) => chain.destroy(error));
  second.on('error', (error) => chain.destroy(error));
  return chain;
}
