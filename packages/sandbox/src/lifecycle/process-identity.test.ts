import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { childProcesses, identifyProcess, isSameProcess, processCommandLine } from './process-identity.js';

describe('process identity', () => {
  it('identifies a live process by pid, start time and a command-line marker', () => {
    const self = identifyProcess(process.pid);
    expect(self).not.toBeNull();
    if (self === null) return;
    expect(isSameProcess(self)).toBe(true);
    expect(isSameProcess({ ...self, startTime: self.startTime + 1 })).toBe(false); // a recycled pid
    expect(isSameProcess(self, '--no-such-marker')).toBe(false);
    expect(processCommandLine(process.pid)[0]).toBe(
      process.argv0.includes('/') ? process.argv0 : expect.any(String),
    );
  });

  it('a process that exited is not the same process any more', async () => {
    const child = spawn('/bin/sleep', ['30']);
    const identity = child.pid === undefined ? null : identifyProcess(child.pid);
    if (identity === null) throw new Error('no identity');
    expect(isSameProcess(identity, '30')).toBe(true);
    expect(childProcesses(process.pid)).toContain(identity.pid);
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(isSameProcess(identity)).toBe(false);
    expect(identifyProcess(0)).toBeNull();
    expect(identifyProcess(-1)).toBeNull();
  });
});
