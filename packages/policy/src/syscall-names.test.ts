import { describe, expect, it } from 'vitest';
import { isKnownSyscall, knownSyscallNames, syscallNumber } from './syscall-names.js';

describe('syscall tables', () => {
  it('has the x86_64 numbers from asm/unistd_64.h', () => {
    expect(syscallNumber('read', 'x86_64')).toBe(0);
    expect(syscallNumber('ptrace', 'x86_64')).toBe(101);
    expect(syscallNumber('open', 'x86_64')).toBe(2);
    expect(syscallNumber('clone3', 'x86_64')).toBe(435);
  });
  it('has the aarch64 (asm-generic) numbers, without the legacy calls aarch64 lacks', () => {
    expect(syscallNumber('ptrace', 'aarch64')).toBe(117);
    expect(syscallNumber('openat', 'aarch64')).toBe(56);
    expect(syscallNumber('renameat', 'aarch64')).toBe(38);
    expect(syscallNumber('fstat', 'aarch64')).toBe(80);
    expect(syscallNumber('open', 'aarch64')).toBeUndefined();
    expect(syscallNumber('fork', 'aarch64')).toBeUndefined();
  });
  it('includes the shared numbers newer than the installed headers', () => {
    expect(syscallNumber('mseal', 'x86_64')).toBe(462);
    expect(syscallNumber('mseal', 'aarch64')).toBe(462);
  });
  it('knows names from either architecture and nothing else', () => {
    expect(isKnownSyscall('open')).toBe(true);
    expect(isKnownSyscall('ptrace')).toBe(true);
    expect(isKnownSyscall('toString')).toBe(false);
    expect(isKnownSyscall('__proto__')).toBe(false);
    expect(syscallNumber('toString', 'x86_64')).toBeUndefined();
    expect(knownSyscallNames.length).toBeGreaterThan(380);
  });
});
