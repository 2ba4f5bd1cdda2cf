import { describe, expect, it } from 'vitest';
import { parsePeerPreamble } from './peer-preamble.js';

describe('parsePeerPreamble', () => {
  it('parses the bridge line', () => {
    expect(parsePeerPreamble('NEMOCLAW-PEER pid=12 exe=/usr/bin/curl uid=1000')).toEqual({
      ok: true,
      value: { pid: 12, exe: '/usr/bin/curl', uid: 1000 },
    });
  });

  it('keeps spaces inside the exe path', () => {
    expect(parsePeerPreamble('NEMOCLAW-PEER pid=1 exe=/opt/My App/bin/app uid=0')).toMatchObject({
      value: { exe: '/opt/My App/bin/app' },
    });
  });

  it.each(['-', 'relative/bin', '/usr/bin/git (deleted)'])('treats exe=%s as unknown', (exe) => {
    expect(parsePeerPreamble(`NEMOCLAW-PEER pid=1 exe=${exe} uid=0`)).toMatchObject({
      ok: true,
      value: { exe: null },
    });
  });

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
