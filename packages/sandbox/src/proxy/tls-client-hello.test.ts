import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildClientHello } from './testing/client-hello.js';
import { peekClientHello } from './tls-client-hello.js';

describe('peekClientHello', () => {
  it('extracts the SNI host name from a hand-built ClientHello', () => {
    expect(peekClientHello(buildClientHello('api.github.com'))).toEqual({
      kind: 'client-hello',
      serverName: 'api.github.com',
    });
  });

  it('reports a ClientHello without SNI', () => {
    expect(peekClientHello(buildClientHello(null))).toEqual({ kind: 'client-hello', serverName: null });
  });

  it('asks for more bytes until the record is complete', () => {
    const hello = buildClientHello('example.com');
    for (const length of [1, 3, 5, 20, hello.length - 1]) {
      expect(peekClientHello(hello.subarray(0, length)).kind).toBe('need-more');
    }
  });

  it('says not-tls for other protocols', () => {
    expect(peekClientHello(Buffer.from('GET / HTTP/1.1\r\n'))).toEqual({ kind: 'not-tls' });
    expect(peekClientHello(Buffer.from('SSH-2.0-OpenSSH_9.6\r\n'))).toEqual({ kind: 'not-tls' });
    expect(peekClientHello(Buffer.from([0x16, 0x01]))).toEqual({ kind: 'not-tls' });
  });

  it('says malformed for a truncated extension block or a non-ClientHello handshake', () => {
    const hello = buildClientHello('example.com');
    const serverHello = Buffer.from(hello);
    serverHello[5] = 0x02;
    expect(peekClientHello(serverHello).kind).toBe('malformed');
    const lying = Buffer.from(hello);
    lying.writeUInt16BE(0xffff, lying.length - 2 - 'example.com'.length - 7); // extensions length field region
    expect(['malformed', 'client-hello']).toContain(peekClientHello(lying).kind);
  });

  it('never throws on random bytes after a TLS record header (fuzz)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.integer({ min: 0, max: 700 }), (body, declared) => {
        const header = Buffer.from([0x16, 0x03, 0x01, (declared >> 8) & 0xff, declared & 0xff]);
        const result = peekClientHello(Buffer.concat([header, Buffer.from(body)]));
        expect(['need-more', 'malformed', 'client-hello', 'not-tls']).toContain(result.kind);
      }),
      { numRuns: 2_000 },
    );
  });

  it('never throws on mutated real ClientHellos (fuzz)', () => {
    const hello = buildClientHello('mutate.example.com');
    fc.assert(
      fc.property(
        fc.integer({ min: 5, max: hello.length - 1 }),
        fc.integer({ min: 0, max: 255 }),
        (index, value) => {
          const mutated = Buffer.from(hello);
          mutated[index] = value;
          expect(() => peekClientHello(mutated)).not.toThrow();
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
