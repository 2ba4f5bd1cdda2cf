import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { BeforeInstallEvent, BeforeInstallResult, PluginInstallFinding } from './openclaw-types.js';
import type { PluginRuntime } from './plugin-runtime.js';

/** npm lifecycle scripts that run code at install time. */
export const installScriptNames: readonly string[] = ['preinstall', 'install', 'postinstall', 'prepare'];

/** The install scripts a package directory declares (empty when there is no readable package.json). */
export function declaredInstallScripts(directory: string): { name: string | null; scripts: string[] } {
  try {
    const path = join(directory, 'package.json');
    if (!statSync(path).isFile()) return { name: null, scripts: [] };
    const manifest: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof manifest !== 'object' || manifest === null) return { name: null, scripts: [] };
    const record = manifest as Record<string, unknown>;
    const scripts =
      typeof record.scripts === 'object' && record.scripts !== null
        ? (record.scripts as Record<string, unknown>)
        : {};
    return {
      name: typeof record.name === 'string' ? record.name : null,
      scripts: installScriptNames.filter((script) => typeof scripts[script] === 'string'),
    };
  } catch {
    return { name: null, scripts: [] };
  }
}

/**
 * The `before_install` decision: reports every plugin or skill being installed (audit log and a
 * finding), flags npm install scripts, and refuses them when `install.blockInstallScripts` is set
 * unless the package is in `install.allowInstallScripts`.
 */
export function evaluateInstall(runtime: PluginRuntime, event: BeforeInstallEvent): BeforeInstallResult {
  const findings: PluginInstallFinding[] = [];
  const { name, scripts } = declaredInstallScripts(event.sourcePath);
  const packageName = event.plugin?.packageName ?? name ?? event.targetName;
  findings.push({
    ruleId: 'nemoclaw/install-reported',
    severity: 'info',
    file: 'package.json',
    line: 1,
    message: `NemoClaw recorded the ${event.targetType} install of ${packageName}`,
  });
  const settings = runtime.config.install;
  if (scripts.length > 0) {
    const allowed = settings?.allowInstallScripts.includes(packageName) ?? false;
    const blocking = (settings?.blockInstallScripts ?? false) && !allowed;
    findings.push({
      ruleId: 'nemoclaw/install-scripts',
      severity: blocking ? 'critical' : 'warn',
      file: 'package.json',
      line: 1,
      message: `${packageName} declares install scripts: ${scripts.join(', ')}`,
    });
    if (blocking) {
      const reason = `${packageName} declares install scripts (${scripts.join(', ')}); allow it in plugins.entries.nemoclaw.config.install.allowInstallScripts to install it`;
      void runtime.recordDenial('install', reason);
      return { findings, block: true, blockReason: `NemoClaw refused the install: ${reason}` };
    }
  }
  return { findings };
}
