#!/usr/bin/env node
// Stages the self-contained OpenClaw plugin directory that `openclaw plugins install <dir>` takes:
//
//   node packages/sandbox/scripts/stage-openclaw-plugin.mjs [--out DIR] [--launcher PATH]
//
// dist/plugin.js bundles every dependency (only `openclaw/*` comes from the host), so the staged
// package.json declares none: OpenClaw copies path installs without installing dependencies and
// refuses a plugin whose declared dependencies are missing. The launcher binary is copied into
// dist/bin, where the plugin looks for it first. Prints the staged directory.
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repositoryDir = resolve(packageDir, '../..');
const { values } = parseArgs({
  options: { out: { type: 'string' }, launcher: { type: 'string' } },
});
const out = resolve(values.out ?? join(packageDir, 'openclaw-plugin'));

function fail(message) {
  process.stderr.write(`stage-openclaw-plugin: ${message}\n`);
  process.exit(1);
}

const plugin = join(packageDir, 'dist', 'plugin.js');
if (!existsSync(plugin))
  fail(`${plugin} is missing: build first (npx turbo run build --filter=@nemoclaw/sandbox)`);
const launcherCandidates = [
  values.launcher,
  process.env.NEMOCLAW_SANDBOX_EXEC,
  join(repositoryDir, 'packages', 'native', 'dist', 'bin', 'nemoclaw-sandbox-exec'),
  join(repositoryDir, 'native', 'build', 'nemoclaw-sandbox-exec'),
].filter((candidate) => typeof candidate === 'string' && candidate !== '');
const launcher = launcherCandidates.find((candidate) => existsSync(candidate));
if (launcher === undefined)
  fail(`no launcher found (looked in ${launcherCandidates.join(', ')}); run make -C native`);

const source = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'dist', 'bin'), { recursive: true });
copyFileSync(plugin, join(out, 'dist', 'plugin.js'));
copyFileSync(launcher, join(out, 'dist', 'bin', 'nemoclaw-sandbox-exec'));
chmodSync(join(out, 'dist', 'bin', 'nemoclaw-sandbox-exec'), 0o755);
cpSync(join(repositoryDir, 'policies'), join(out, 'policies'), { recursive: true });
copyFileSync(join(packageDir, 'openclaw.plugin.json'), join(out, 'openclaw.plugin.json'));
copyFileSync(join(packageDir, 'README.md'), join(out, 'README.md'));
const staged = {
  name: source.name,
  version: source.version,
  description: source.description,
  license: source.license,
  type: 'module',
  engines: source.engines,
  openclaw: source.openclaw,
};
writeFileSync(join(out, 'package.json'), `${JSON.stringify(staged, null, 2)}\n`);
process.stdout.write(`${out}\n`);
