import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { NemoclawCliError } from '../cli-error.js';
import { formatTable } from './policy-diff.js';

/** `nemoclaw policy import FILE [-o OUT] [--json]`: an OpenShell policy to NemoClaw's format, with a report. */
export function createPolicyImportCommand(): Command {
  return new Command('import')
    .description('Convert an OpenShell policy to a NemoClaw policy and report what mapped how')
    .argument('<file>', 'OpenShell policy file (YAML)')
    .option('-o, --output <file>', 'write the NemoClaw policy here instead of to standard output')
    .option('--force', 'overwrite the output file if it exists')
    .option('--json', 'print {policy, notes} as JSON')
    .exitOverride()
    .action(async (file: string, options: { output?: string; force?: boolean; json?: boolean }) => {
      const { importOpenShellPolicy } = await import('@nemoclaw/policy');
      const { readFile } = await import('node:fs/promises');
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        throw new NemoclawCliError(
          'NOT_FOUND',
          `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
          {
            cause: error,
          },
        );
      }
      const result = importOpenShellPolicy(text, { file });
      if (!result.ok)
        throw new NemoclawCliError('INVALID_POLICY', `invalid policy:\n${result.error.message}`, {
          exitCode: 1,
        });
      const { policy, yaml, notes } = result.value;
      if (options.output !== undefined) {
        try {
          await writeFile(options.output, yaml, { flag: options.force === true ? 'w' : 'wx' });
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          throw new NemoclawCliError(
            'FAILED',
            code === 'EEXIST'
              ? `${options.output} exists; pass --force to overwrite it`
              : `cannot write ${options.output}: ${String(code)}`,
            { cause: error },
          );
        }
      }
      if (options.json === true) {
        process.stdout.write(`${JSON.stringify({ policy, notes }, null, 2)}\n`);
        return;
      }
      if (options.output === undefined) process.stdout.write(yaml);
      const report = formatTable(
        ['FIELD', 'MAPPING', 'NOTE'],
        notes.map((note) => [note.field, note.action.toUpperCase(), note.message]),
      );
      process.stderr.write(`${report}\n`);
    });
}
