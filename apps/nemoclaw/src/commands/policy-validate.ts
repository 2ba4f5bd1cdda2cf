import { Command } from 'commander';
import { NemoclawCliError } from '../cli-error.js';
import type { PolicyLoadCliOptions } from './policy-load.js';

/** `nemoclaw policy validate FILE...`: exit 0 when every file is valid, 1 when any is not. */
export function createPolicyValidateCommand(): Command {
  return new Command('validate')
    .description('Check policy files; prints "FILE: ok" or each problem as FILE:LINE:COL: key.path: message')
    .argument('<files...>', 'policy files (YAML)')
    .option(
      '--workdir <dir>',
      'working directory: the WORKDIR variable and base of relative paths (default: current)',
    )
    .option('--policies-dir <dir>', 'where extends names resolve (default: the shipped policies)')
    .option('--json', 'print [{file, ok, diagnostics}] as JSON')
    .exitOverride()
    .action(async (files: string[], options: PolicyLoadCliOptions & { json?: boolean }) => {
      const { loadPolicyFile } = await import('@nemoclaw/policy');
      const results = files.map((file) => ({
        file,
        result: loadPolicyFile(file, { workdir: options.workdir, policiesDir: options.policiesDir }),
      }));
      if (options.json === true) {
        const report = results.map(({ file, result }) => ({
          file,
          ok: result.ok,
          diagnostics: result.ok ? [] : result.error.diagnostics,
        }));
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      } else {
        for (const { file, result } of results) {
          if (result.ok) process.stdout.write(`${file}: ok\n`);
          else process.stderr.write(`${result.error.message}\n`);
        }
      }
      const invalid = results.filter(({ result }) => !result.ok).length;
      if (invalid > 0)
        throw new NemoclawCliError('INVALID_POLICY', `${invalid} of ${files.length} policy file(s) invalid`, {
          exitCode: 1,
        });
    });
}
