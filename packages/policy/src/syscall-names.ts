import { aarch64SyscallNumbers, x86_64SyscallNumbers } from './syscall-table.js';

/** The architectures whose syscall tables policy names are checked against. */
export type SyscallArchitecture = 'x86_64' | 'aarch64';

const knownNames: ReadonlySet<string> = new Set([
  ...Object.keys(x86_64SyscallNumbers),
  ...Object.keys(aarch64SyscallNumbers),
]);

/**
 * Every syscall name known on x86_64 or aarch64, sorted. A policy may name any of them; a name
 * that exists on one architecture only is simply absent from the other's filter.
 */
export const knownSyscallNames: readonly string[] = [...knownNames].sort();

/** Whether `name` is a system call on x86_64 or aarch64. */
export function isKnownSyscall(name: string): boolean {
  return knownNames.has(name);
}

/**
 * The number of syscall `name` on `architecture`, or `undefined` when that architecture does not
 * have it (e.g. `open` on aarch64, which only has `openat`).
 */
export function syscallNumber(name: string, architecture: SyscallArchitecture): number | undefined {
  const table = architecture === 'x86_64' ? x86_64SyscallNumbers : aarch64SyscallNumbers;
  return Object.hasOwn(table, name) ? table[name] : undefined;
}
