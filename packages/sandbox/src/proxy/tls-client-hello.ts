/** What a peek at the first client bytes of a tunnel found. */
export type ClientHelloPeek =
  | { readonly kind: 'need-more' }
  | { readonly kind: 'not-tls' }
  | { readonly kind: 'malformed' }
  | { readonly kind: 'client-hello'; readonly serverName: string | null };

/** Bytes of the first TLS record we are willing to buffer (a record is at most 16 KiB + header). */
export const maximumClientHelloBytes = 16_384 + 5;

/**
 * Peeks at the start of a tunnel for a TLS ClientHello and extracts its SNI host name
 * (server_name extension, type 0, name type host_name). Only the first record is read: a
 * ClientHello split over several records (legal, very rare) is reported as `malformed`, which the
 * proxy treats as a mismatch when SNI checking is on. Anything not starting with a TLS handshake
 * record (0x16 0x03) is `not-tls` and is relayed as is.
 *
 * @param data - the bytes received from the client so far
 */
export function peekClientHello(data: Buffer): ClientHelloPeek {
  if (data.length === 0) {
    return { kind: 'need-more' };
  }
  if (data[0] !== 0x16) {
    return { kind: 'not-tls' };
  }
  if (data.length < 5) {
    return data.length >= 2 && data[1] !== 0x03 ? { kind: 'not-tls' } : { kind: 'need-more' };
  }
  if (data[1] !== 0x03) {
    return { kind: 'not-tls' };
  }
  const recordLength = data.readUInt16BE(3);
  if (recordLength > maximumClientHelloBytes - 5) {
    return { kind: 'malformed' };
  }
  if (data.length < 5 + recordLength) {
    return { kind: 'need-more' };
  }
  const record = data.subarray(5, 5 + recordLength);
  try {
    return parseClientHello(record);
  } catch {
    return { kind: 'malformed' };
  }
}

function parseClientHello(record: Buffer): ClientHelloPeek {
  let offset = 0;
  const need = (count: number) => {
    if (offset + count > record.length) {
      throw new RangeError('truncated');
    }
  };
  need(4);
  if (record[0] !== 0x01) {
    return { kind: 'malformed' };
  }
  const handshakeLength = record.readUIntBE(1, 3);
  if (handshakeLength + 4 > record.length) {
    return { kind: 'malformed' }; // split across records
  }
  offset = 4 + 2 + 32; // handshake header, client_version, random
  need(1);
  offset += 1 + (record[offset] ?? 0); // session id
  need(2);
  offset += 2 + record.readUInt16BE(offset); // cipher suites
  need(1);
  offset += 1 + (record[offset] ?? 0); // compression methods
  if (offset === 4 + handshakeLength) {
    return { kind: 'client-hello', serverName: null }; // no extensions
  }
  need(2);
  const extensionsEnd = offset + 2 + record.readUInt16BE(offset);
  offset += 2;
  if (extensionsEnd > record.length) {
    return { kind: 'malformed' };
  }
  let serverName: string | null = null;
  while (offset + 4 <= extensionsEnd) {
    const type = record.readUInt16BE(offset);
    const length = record.readUInt16BE(offset + 2);
    offset += 4;
    need(length);
    if (type === 0) {
      if (serverName !== null) {
        return { kind: 'malformed' }; // duplicate server_name extension
      }
      serverName = parseServerNameExtension(record.subarray(offset, offset + length));
      if (serverName === '') {
        return { kind: 'malformed' };
      }
    }
    offset += length;
  }
  return { kind: 'client-hello', serverName };
}

function parseServerNameExtension(extension: Buffer): string {
  const listLength = extension.readUInt16BE(0);
  let offset = 2;
  const end = Math.min(2 + listLength, extension.length);
  let hostName = '';
  while (offset + 3 <= end) {
    const nameType = extension[offset];
    const nameLength = extension.readUInt16BE(offset + 1);
    offset += 3;
    if (offset + nameLength > end) {
      return '';
    }
    if (nameType === 0) {
      if (hostName !== '') {
        return ''; // two host names: ambiguous, refuse
      }
      hostName = extension.subarray(offset, offset + nameLength).toString('latin1');
    }
    offset += nameLength;
  }
  return hostName;
}

/** A fatal TLS alert (access_denied) sent before closing a tunnel whose SNI does not match. */
export const tlsAccessDeniedAlert: Buffer = Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x31]);
