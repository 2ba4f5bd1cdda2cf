import type { PolicyChange } from '@nemoclaw/policy';
import { Command } from 'commander';
import { loadPolicyForCli, type PolicyLoadCliOptions } from './policy-load.js';

/** Renders rows as a left-aligned text table with a header. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? cell.length),
      )
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

function describeChanges(changes: readonly PolicyChange[]): string {
  return formatTable(
    ['FIELD', 'CLASS', 'CHANGE'],
    changes.map((change) => [change.field, change.class.toUpperCase(), change.explanation]),
  );
}

/** `nemoclaw policy diff OLD NEW [--json]`: every change, LOCKED (needs a new sandbox) or HOT. */
export function createPolicyDiffCommand(): Command {
  return new Command('diff')
    .description(
      'Compare two policies field by field: LOCKED changes need a new sandbox, HOT ones apply live',
    )
    .argument('<old>', 'the current policy file')
    .argument('<new>', 'the proposed policy file')
    .option('--json', 'print {changes, hasLockedChanges, hasHotChanges} as JSON')
    .option(
      '--workdir <dir>',
      'working directory: the WORKDIR variable and base of relative paths (default: current)',
    )
    .option('--policies-dir <dir>', 'where extends names resolve (default: the shipped policies)')
    .exitOverride()
    .action(async (oldFile: string, newFile: string, options: PolicyLoadCliOptions & { json?: boolean }) => {
      const { diffPolicies } = await import('@nemoclaw/policy');
      const diff = diffPolicies(
        await loadPolicyForCli(oldFile, options),
        await loadPolicyForCli(newFile, options),
      );
      if (options.json === true) {
        process.stdout.write(`${JSON.stringify(diff, null, 2)}\n`);
        return;
      }
      if (diff.changes.length === 0) {
        process.stdout.write('no differences\n');
        return;
      }
      process.stdout.write(`${describeChanges(diff.changes)}\n\n`);
      const locked = diff.changes.filter((change) => change.class === 'locked').length;
      const hot = diff.changes.length - locked;
      process.stdout.write(
        `${locked} locked change(s): a running sandbox cannot take them (create a new sandbox). ` +
          `${hot} hot change(s): applied live by \`nemoclaw policy apply\`.\n`,
      );
    });
}
