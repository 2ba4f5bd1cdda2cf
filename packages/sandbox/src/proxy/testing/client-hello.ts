/** Test support: hand-built TLS ClientHello records. Not part of the public API. */

/** Builds a minimal TLS 1.2-style ClientHello record carrying `serverName` in the SNI extension. */
export function buildClientHello(serverName: string | null): Buffer {
  let sniExtension = Buffer.alloc(0);
  if (serverName !== null) {
    const name = Buffer.from(serverName, 'latin1');
    const serverNameList = Buffer.concat([Buffer.from([0x00]), u16(name.length), name]);
    const sniBody = Buffer.concat([u16(serverNameList.length), serverNameList]);
    sniExtension = Buffer.concat([u16(0x0000), u16(sniBody.length), sniBody]);
  }
  const otherExtension = Buffer.concat([u16(0x000b), u16(2), Buffer.from([0x01, 0x00])]);
  const extensions = Buffer.concat([otherExtension, sniExtension]);
  const body = Buffer.concat([
    Buffer.from([0x03, 0x03]),
    Buffer.alloc(32, 7),
    Buffer.from([0x00]),
    u16(4),
    Buffer.from([0x13, 0x01, 0xc0, 0x2f]),
    Buffer.from([0x01, 0x00]),
    u16(extensions.length),
    extensions,
  ]);
  const handshake = Buffer.concat([
    Buffer.from([0x01, (body.length >> 16) & 0xff]),
    u16(body.length & 0xffff),
    body,
  ]);
  return Buffer.concat([Buffer.from([0x16, 0x03, 0x01]), u16(handshake.length), handshake]);
}

function u16(value: number): Buffer {
  const buffer = Buffer.alloc(2);
  buffer.writeUInt16BE(value);
  return buffer;
}
