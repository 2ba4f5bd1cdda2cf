import { describe, expect, it } from 'vitest';
import { parsePeerPreamble } from './peer-preamble.js';

describe('parsePeerPreamble', () => {
  it('parses the bridge line', () => {
    expect(parsePeerPreamble('NEMOCLAW-PEER pid=12 exe=/usr/bin/curl uid=1000')).toEqual({
      ok: true,
      value: { pid: 12, exe: '/usr/bin/curl', uid: 1000 },
    });
  });

  it('decodes the percent-encoded exe path (spaces, %, non-ASCII)', () => {
    expect(parsePeerPreamble('NEMOCLAW-PEER pid=1 exe=/opt/My%20App/bin/100%25%C3%A9 uid=0')).toMatchObject({
      value: { exe: '/opt/My App/bin/100%é' },
    });
  });

  it('a file name cannot forge fields: raw spaces are refused', () => {
    expect(parsePeerPreamble('NEMOCLAW-PEER pid=1 exe=/tmp/x uid=0 exe=/usr/bin/git uid=0').ok).toBe(false);
  });

  it.each(['-', 'relative/bin', '/usr/bin/git%20(deleted)', '/bad%zz', '/bad%FF'])(
    'treats exe=%s as unknown',
    (exe) => {
      expect(parsePeerPreamble(`NEMOCLAW-PEER pid=1 exe=${exe} uid=0`)).toMatchObject({
        ok: true,
        value: { exe: null },
      });
    },
  );

  it.each([
    '',
    'GET / HTTP/1.1',
    'NEMOCLAW-PEER pid=x exe=/a uid=0',
    'NEMOCLAW-PEER pid=1 exe= uid=0',
    'NEMOCLAW-PEER pid=1 uid=0',
    'nemoclaw-peer pid=1 exe=/a uid=0',
    'NEMOCLAW-PEER pid=1 exe=/a uid=0 extra',
  ])('refuses %j', (line) => {
    expect(parsePeerPreamble(line).ok).toBe(false);
  });
});
