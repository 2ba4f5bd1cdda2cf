import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { buildPlan, type LaunchPlan, NativeError, type PathKind } from '@nemoclaw/native';
import { loadPolicyFile, type Policy, shippedPoliciesDir } from '@nemoclaw/policy';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inspectPathOnDisk, type PlanBase, PlanCache } from './plan-cache.js';

let root: string;
let home: string;
let workdir: string;
let policy: Policy;
let cache: PlanCache;
let inspections: string[];

function loadDefault(): Policy {
  const loaded = loadPolicyFile(join(shippedPoliciesDir(), 'default.yaml'));
  if (!loaded.ok) throw loaded.error;
  return loaded.value;
}

function base(env: Record<string, string | undefined> = { PATH: '/usr/bin:/bin', HOME: home }): PlanBase {
  return { workdir, home, env, bridge: { listen: '127.0.0.1:3128', unix_socket: join(root, 'p.sock') } };
}

/** What a fresh build returns for the same inputs (the reference a reused plan must equal). */
function fresh(argv: readonly string[], env?: Record<string, string | undefined>, cwd?: string): LaunchPlan {
  return buildPlan(policy, { ...base(env), command: argv, ...(cwd === undefined ? {} : { cwd }) }).plan;
}

beforeAll(async () => {
  // Outside /tmp: the default policy gives the sandbox a private /tmp and refuses a workdir there.
  const parent = '/var/tmp/nemoclaw-plan-cache/';
  await mkdir(parent, { recursive: true });
  root = await mkdtemp(parent);
  policy = loadDefault();
});

beforeEach(() => {
  home = join(root, `h${Math.random().toString(36).slice(2)}`);
  workdir = join(home, 'workspace');
  mkdirSync(workdir, { recursive: true });
  inspections = [];
  cache = new PlanCache((path: string): PathKind => {
    inspections.push(path);
    return inspectPathOnDisk(path);
  });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('PlanCache', () => {
  it('builds a plan once and reuses it, with only the command changed, equal to a fresh build', () => {
    const first = cache.plan(policy, base(), { argv: ['/bin/sh', '-c', 'ls'] });
    const second = cache.plan(policy, base(), { argv: ['/bin/sh', '-c', 'pwd'] });
    expect(cache.stats).toEqual({ hits: 1, builds: 1 });
    expect(first.command.argv).toEqual(['/bin/sh', '-c', 'ls']);
    expect(second).toEqual(fresh(['/bin/sh', '-c', 'pwd']));
    // A reused plan's command is its own; the parts shared by every command cannot be changed.
    second.command.argv.push('changed');
    expect(cache.plan(policy, base(), { argv: ['true'] }).command.argv).toEqual(['true']);
    expect(() => {
      second.env.LD_PRELOAD = '/evil.so';
    }).toThrow(TypeError);
    expect(() => second.filesystem.deny.pop()).toThrow(TypeError);
    expect(cache.plan(policy, base(), { argv: ['true'] })).toEqual(fresh(['true']));
  });

  it('re-checks every path the plan was built from before reusing it', () => {
    cache.plan(policy, base(), { argv: ['true'] });
    const looked = new Set(inspections);
    inspections = [];
    cache.plan(policy, base(), { argv: ['true'] });
    expect(new Set(inspections)).toEqual(looked);
    expect(looked).toContain(join(workdir, '.git'));
    expect(looked).toContain(join(workdir, '.mcp.json'));
  });

  it('attack: a repository created in the workdir since the plan was built is protected in the next plan', () => {
    const before = cache.plan(policy, base(), { argv: ['true'] });
    expect(before.filesystem.read_only_binds).not.toContain(join(workdir, '.git', 'config'));
    mkdirSync(join(workdir, '.git'));
    writeFileSync(join(workdir, '.git', 'config'), '[core]\n');
    const after = cache.plan(policy, base(), { argv: ['true'] });
    expect(cache.stats).toEqual({ hits: 0, builds: 2 });
    // .git/config is bound read-only and .git/hooks gets a read-only placeholder, as in a fresh build.
    expect(after.filesystem.read_only_binds).toContain(join(workdir, '.git', 'config'));
    expect(after.filesystem.placeholders).toContain(join(workdir, '.git', 'hooks'));
    expect(after).toEqual(fresh(['true']));
  });

  it('attack: a persistence file planted in the workdir since the plan was built is bound read-only', () => {
    cache.plan(policy, base(), { argv: ['true'] });
    mkdirSync(join(workdir, '.vscode'));
    const replaced = cache.plan(policy, base(), { argv: ['true'] });
    expect(replaced).toEqual(fresh(['true']));
    rmSync(join(workdir, '.vscode'), { recursive: true });
    mkdirSync(join(workdir, '.claude'));
    writeFileSync(join(workdir, '.claude', 'settings.json'), '{}');
    expect(cache.plan(policy, base(), { argv: ['true'] })).toEqual(fresh(['true']));
    expect(cache.stats.hits).toBe(0);
  });

  it('a removed workdir is not granted from a stale plan: the next build leaves it out', () => {
    const granted = cache.plan(policy, base(), { argv: ['true'] });
    expect(granted.landlock.paths.map((rule) => rule.path)).toContain(workdir);
    rmSync(workdir, { recursive: true });
    const now = cache.plan(policy, base(), { argv: ['true'] });
    expect(now.landlock.paths.map((rule) => rule.path)).not.toContain(workdir);
    expect(now).toEqual(fresh(['true']));
  });

  it('a re-applied policy (a new policy object) never reuses the plans of the old one', () => {
    cache.plan(policy, base(), { argv: ['true'] });
    const reapplied = loadDefault();
    const narrowed: Policy = {
      ...reapplied,
      filesystem_policy: {
        ...reapplied.filesystem_policy,
        deny: [...(reapplied.filesystem_policy?.deny ?? []), join(workdir, 'secret')],
      },
    };
    mkdirSync(join(workdir, 'secret'));
    const plan = cache.plan(narrowed, base(), { argv: ['true'] });
    expect(plan.filesystem.deny).toContain(join(workdir, 'secret'));
    expect(cache.stats).toEqual({ hits: 0, builds: 2 });
  });

  it('the allowed environment is part of the key; other variables are not', () => {
    const first = cache.plan(policy, base(), { argv: ['true'] });
    cache.plan(policy, base({ PATH: '/usr/bin:/bin', HOME: home, OPENCLAW_RUN: 'a' }), { argv: ['true'] });
    expect(cache.stats).toEqual({ hits: 1, builds: 1 });
    const other = cache.plan(policy, base({ PATH: '/opt/bin', HOME: home }), { argv: ['true'] });
    expect(cache.stats.builds).toBe(2);
    expect(first.env.PATH).toBe('/usr/bin:/bin');
    expect(other.env.PATH).toBe('/opt/bin');
    // NEMOCLAW_HOME is masked in the sandbox: a different one is a different plan.
    const state = join(root, 'state');
    const masked = cache.plan(policy, base({ PATH: '/opt/bin', HOME: home, NEMOCLAW_HOME: state }), {
      argv: ['true'],
    });
    expect(masked.filesystem.deny).toContain(state);
    expect(cache.stats.builds).toBe(3);
  });

  it('takes another working directory, and refuses one in the private /tmp exactly as buildPlan does', () => {
    mkdirSync(join(workdir, 'sub'));
    cache.plan(policy, base(), { argv: ['true'] });
    const sub = cache.plan(policy, base(), { argv: ['true'], cwd: join(workdir, 'sub') });
    expect(sub.command.cwd).toBe(join(workdir, 'sub'));
    expect(cache.stats).toEqual({ hits: 1, builds: 1 });
    let refusal: unknown;
    try {
      cache.plan(policy, base(), { argv: ['true'], cwd: '/tmp/x' });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(NativeError);
    expect(String(refusal)).toMatch(/cwd \/tmp\/x lies in \/tmp/);
    expect(() => cache.plan(policy, base(), { argv: ['true'], cwd: 'relative' })).toThrow(/absolute/);
    expect(() => cache.plan(policy, base(), { argv: [] })).toThrow(/no command/);
    expect(() => cache.plan(policy, base(), { argv: [''] })).toThrow(/no command/);
  });

  it('applies `finish` to the built plan once and keeps it for the reused ones', () => {
    let finished = 0;
    const finish = (plan: LaunchPlan): LaunchPlan => {
      finished += 1;
      return { ...plan, env: { ...plan.env, EXTRA: '1' } };
    };
    cache.plan(policy, base(), { argv: ['true'] }, finish);
    const reused = cache.plan(policy, base(), { argv: ['true'] }, finish);
    expect(finished).toBe(1);
    expect(reused.env.EXTRA).toBe('1');
  });
});

describe('inspectPathOnDisk', () => {
  it('tells directories, files, other nodes and missing paths apart', () => {
    writeFileSync(join(workdir, 'file'), 'x');
    expect(inspectPathOnDisk(workdir)).toBe('directory');
    expect(inspectPathOnDisk(join(workdir, 'file'))).toBe('file');
    expect(inspectPathOnDisk('/dev/null')).toBe('other');
    expect(inspectPathOnDisk(join(workdir, 'missing'))).toBe('missing');
    // A path beneath a file: ENOTDIR is "missing", as buildPlan's own inspection says.
    expect(inspectPathOnDisk(join(workdir, 'file', 'below'))).toBe('missing');
  });
});
