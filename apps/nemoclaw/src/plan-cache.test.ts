import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { LaunchPlan, PathKind } from '@nemoclaw/native';
import type { Policy } from '@nemoclaw/policy';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  maximumPlanCacheEntries,
  openPlanCache,
  type PlanCacheLookup,
  type PlanCacheOptions,
  planCacheDirectory,
  planCacheKeyFile,
  policyTextHash,
} from './plan-cache.js';

let root = '';
let options: PlanCacheOptions;
let policyFile = '';
let parentFile = '';

const policy = { version: 1, filesystem_policy: { read_only: ['/usr'] } } as unknown as Policy;
const template = { version: 1, hostname: 'nemoclaw' } as unknown as LaunchPlan;
const onDisk = (path: string): PathKind => (path === '/usr' ? 'directory' : 'missing');

function lookup(overrides: Partial<PlanCacheLookup> = {}): PlanCacheLookup {
  return {
    policyPath: policyFile,
    workdir: '/var/tmp/work',
    home: '/home/agent',
    user: 'agent',
    policiesDir: '/opt/policies',
    hostname: null,
    pty: false,
    verbose: false,
    nemoclawHome: null,
    abiOverride: null,
    ...overrides,
  };
}

function entry() {
  return {
    policy,
    files: [policyFile, parentFile].map((path) => ({
      path,
      realPath: path,
      sha256: policyTextHash(readFileSync(path, 'utf8')),
    })),
    plan: {
      template,
      skipped: [],
      inspections: [['/usr', 'directory'] as const, ['/nope', 'missing'] as const],
    },
  };
}

function entryFiles(): string[] {
  return readdirSync(options.directory).filter((name) => name.endsWith('.json'));
}

beforeEach(() => {
  root = mkdtempSync('/var/tmp/nemoclaw-plan-cache-');
  policyFile = join(root, 'policy.yaml');
  parentFile = join(root, 'parent.yaml');
  writeFileSync(policyFile, 'version: 1\nextends: ./parent.yaml\n');
  writeFileSync(parentFile, 'version: 1\nfilesystem_policy:\n  read_only: [/usr]\n');
  options = {
    directory: join(root, 'cache', 'nemoclaw', 'plans'),
    keyFile: join(root, 'state', 'plan-cache.key'),
    buildId: 'test-build',
  };
});

describe('plan cache', () => {
  it('creates private directories and key, and answers a stored entry (legitimate use)', () => {
    const cache = openPlanCache(options);
    expect(cache).not.toBeNull();
    cache?.store(lookup(), entry());
    const hit = cache?.lookup(lookup(), onDisk);
    expect(hit?.policy).toEqual(policy);
    expect(hit?.plan?.template).toEqual(template);
    const [name] = entryFiles();
    expect(name).toMatch(/^[0-9a-f]{64}\.json$/);
    expect(readFileSync(options.keyFile).length).toBe(32);
    // Owner only, everywhere.
    expect(statSync(join(root, 'state')).mode & 0o777).toBe(0o700);
    expect(statSync(options.directory).mode & 0o777).toBe(0o700);
    expect(statSync(options.keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(options.directory, name ?? '')).mode & 0o777).toBe(0o600);
  });

  it('misses when any byte of a policy file in the extends chain changes', () => {
    const cache = openPlanCache(options);
    cache?.store(lookup(), entry());
    writeFileSync(parentFile, 'version: 1\nfilesystem_policy:\n  read_only: [/usr ]\n');
    expect(cache?.lookup(lookup(), onDisk)).toBeNull();
    writeFileSync(parentFile, 'version: 1\nfilesystem_policy:\n  read_only: [/usr]\n');
    expect(cache?.lookup(lookup(), onDisk)).not.toBeNull();
    writeFileSync(policyFile, 'version: 1\nextends: ./parent.yaml\n#\n');
    expect(cache?.lookup(lookup(), onDisk)).toBeNull();
  });

  it('misses when a policy path now leads to another file (a symlink retargeted, a file gone)', () => {
    const cache = openPlanCache(options);
    const stored = entry();
    cache?.store(lookup(), {
      ...stored,
      files: stored.files.map((file) => ({ ...file, realPath: `${file.realPath}.elsewhere` })),
    });
    expect(cache?.lookup(lookup(), onDisk)).toBeNull();
  });

  it('misses when a variable or plan input differs', () => {
    const cache = openPlanCache(options);
    cache?.store(lookup(), entry());
    for (const changed of [
      { workdir: '/var/tmp/other' },
      { home: '/home/other' },
      { user: 'other' },
      { policiesDir: '/elsewhere' },
      { hostname: 'agent-1' },
      { pty: true },
      { verbose: true },
      { nemoclawHome: '/var/tmp/state' },
      { abiOverride: '4' },
    ]) {
      expect(cache?.lookup(lookup(changed), onDisk), JSON.stringify(changed)).toBeNull();
    }
    expect(openPlanCache({ ...options, buildId: 'another-build' })?.lookup(lookup(), onDisk)).toBeNull();
    expect(cache?.lookup(lookup(), onDisk)).not.toBeNull();
  });

  it('misses when a path the plan was built on is now something else', () => {
    const cache = openPlanCache(options);
    cache?.store(lookup(), entry());
    expect(cache?.lookup(lookup(), (path) => (path === '/nope' ? 'directory' : onDisk(path)))).toBeNull();
  });

  it('ignores a corrupted entry: truncated, garbage, or one byte of the body changed', () => {
    const cache = openPlanCache(options);
    cache?.store(lookup(), entry());
    const file = join(options.directory, entryFiles()[0] ?? '');
    const original = readFileSync(file, 'utf8');
    for (const corrupted of [
      original.slice(0, original.length / 2),
      'not json at all',
      original.replace('"hostname\\":\\"nemoclaw\\"', '"hostname\\":\\"nemoclaX\\"'),
    ]) {
      expect(corrupted).not.toBe(original);
      writeFileSync(file, corrupted);
      expect(cache?.lookup(lookup(), onDisk)).toBeNull();
    }
  });

  it('ignores an entry forged without the key (what a sandbox that can write the cache could do)', () => {
    const cache = openPlanCache(options);
    cache?.store(lookup(), entry());
    const file = join(options.directory, entryFiles()[0] ?? '');
    const outer = JSON.parse(readFileSync(file, 'utf8')) as { version: number; mac: string; body: string };
    const body = outer.body.replace('"hostname":"nemoclaw"', '"hostname":"forged"');
    expect(body).not.toBe(outer.body);
    // A well-formed entry with a MAC under another key.
    const mac = createHmac('sha256', Buffer.alloc(32, 7)).update(body).digest('hex');
    writeFileSync(file, JSON.stringify({ version: 1, mac, body }));
    expect(cache?.lookup(lookup(), onDisk)).toBeNull();
    // The original entry moved to another lookup's name is refused too (the lookup is inside the MAC).
    cache?.store(lookup(), entry());
    const genuine = readFileSync(file, 'utf8');
    cache?.store(lookup({ workdir: '/var/tmp/other' }), entry());
    for (const name of entryFiles()) writeFileSync(join(options.directory, name), genuine);
    expect(cache?.lookup(lookup({ workdir: '/var/tmp/other' }), onDisk)).toBeNull();
    expect(cache?.lookup(lookup(), onDisk)).not.toBeNull();
  });

  it('ignores an entry others can read or write, and a cache directory others can use', () => {
    const cache = openPlanCache(options);
    cache?.store(lookup(), entry());
    const file = join(options.directory, entryFiles()[0] ?? '');
    chmodSync(file, 0o644);
    expect(cache?.lookup(lookup(), onDisk)).toBeNull();
    chmodSync(file, 0o600);
    expect(cache?.lookup(lookup(), onDisk)).not.toBeNull();
    chmodSync(options.directory, 0o755);
    expect(openPlanCache(options)).toBeNull();
    chmodSync(options.directory, 0o700);
    chmodSync(options.keyFile, 0o640);
    expect(openPlanCache(options)).toBeNull();
    chmodSync(options.keyFile, 0o600);
    chmodSync(join(root, 'state'), 0o777);
    expect(openPlanCache(options)).toBeNull();
    chmodSync(join(root, 'state'), 0o700);
    expect(openPlanCache(options)?.lookup(lookup(), onDisk)).not.toBeNull();
  });

  it.skipIf(process.getuid?.() !== 0)('ignores an entry, a key and a directory owned by another user', () => {
    const cache = openPlanCache(options);
    cache?.store(lookup(), entry());
    const file = join(options.directory, entryFiles()[0] ?? '');
    chownSync(file, 65_534, 65_534);
    expect(cache?.lookup(lookup(), onDisk)).toBeNull();
    chownSync(file, 0, 0);
    expect(cache?.lookup(lookup(), onDisk)).not.toBeNull();
    chownSync(options.keyFile, 65_534, 65_534);
    expect(openPlanCache(options)).toBeNull();
    chownSync(options.keyFile, 0, 0);
    chownSync(options.directory, 65_534, 65_534);
    expect(openPlanCache(options)).toBeNull();
  });

  it('refuses a FIFO put in place of an entry or a policy file instead of waiting on it', () => {
    const cache = openPlanCache(options);
    cache?.store(lookup(), entry());
    const file = join(options.directory, entryFiles()[0] ?? '');
    const genuine = readFileSync(file);
    rmSync(file);
    execFileSync('mkfifo', ['-m', '600', file]);
    expect(cache?.lookup(lookup(), onDisk)).toBeNull();
    rmSync(file);
    writeFileSync(file, genuine, { mode: 0o600 });
    expect(cache?.lookup(lookup(), onDisk)).not.toBeNull();
    rmSync(parentFile);
    execFileSync('mkfifo', [parentFile]);
    expect(cache?.lookup(lookup(), onDisk)).toBeNull();
  });

  it('ignores a symlinked entry and a key of the wrong length', () => {
    const cache = openPlanCache(options);
    cache?.store(lookup(), entry());
    const name = entryFiles()[0] ?? '';
    const file = join(options.directory, name);
    renameSync(file, join(root, 'real-entry.json'));
    symlinkSync(join(root, 'real-entry.json'), file);
    expect(cache?.lookup(lookup(), onDisk)).toBeNull();
    writeFileSync(options.keyFile, Buffer.alloc(16, 1));
    expect(openPlanCache(options)).toBeNull();
  });

  it('only makes the key with keyOnly (the cache bypassed)', () => {
    expect(openPlanCache({ ...options, keyOnly: true })).toBeNull();
    expect(readFileSync(options.keyFile).length).toBe(32);
    expect(() => readdirSync(options.directory)).toThrow(/ENOENT/);
  });

  it(`keeps at most ${maximumPlanCacheEntries} entries`, () => {
    const cache = openPlanCache(options);
    for (let index = 0; index < maximumPlanCacheEntries + 5; index += 1) {
      cache?.store(lookup({ workdir: `/var/tmp/work-${index}` }), entry());
    }
    expect(entryFiles().length).toBe(maximumPlanCacheEntries);
  });

  it('lives under XDG_CACHE_HOME or ~/.cache, with its key in NEMOCLAW_HOME or ~/.nemoclaw', () => {
    expect(planCacheDirectory({}, '/home/a')).toBe('/home/a/.cache/nemoclaw/plans');
    expect(planCacheDirectory({ XDG_CACHE_HOME: '/x/cache' }, '/home/a')).toBe('/x/cache/nemoclaw/plans');
    expect(planCacheDirectory({ XDG_CACHE_HOME: 'relative' }, '/home/a')).toBe(
      '/home/a/.cache/nemoclaw/plans',
    );
    expect(planCacheKeyFile('/home/a/.nemoclaw')).toBe('/home/a/.nemoclaw/plan-cache.key');
  });
});
