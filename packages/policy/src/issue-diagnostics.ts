import type { z } from 'zod';
import { didYouMean } from './did-you-mean.js';
import type { PolicyDiagnostic, PolicyErrorCode, SourcePosition } from './policy-error.js';
import { knownKeysAt } from './schema-navigation.js';
import type { PlainWithPositions } from './yaml-tree.js';

type Issue = z.core.$ZodIssue;
type Path = readonly (string | number)[];

function valueAt(root: unknown, path: Path): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

/** `a string`, `a number`, `a list`, ... for messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `the boolean ${value}`;
  return typeof value;
}

const expectedNames: Record<string, string> = {
  array: 'a list',
  object: 'a mapping',
  record: 'a mapping',
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  literal: 'a specific value',
};

/** Where a diagnostic for `path` should point: the key for key problems, else the value (or nearest ancestor). */
function locate(source: PlainWithPositions, path: Path, pointAtKey: boolean): SourcePosition {
  for (let length = path.length; length >= 0; length -= 1) {
    const entry = source.positions.get(JSON.stringify(path.slice(0, length)));
    if (entry) return (pointAtKey || length < path.length) && entry.key ? entry.key : entry.value;
  }
  return { file: '<input>', line: 1, column: 1 };
}

function diagnostic(
  source: PlainWithPositions,
  path: Path,
  code: PolicyErrorCode,
  message: string,
  pointAtKey = false,
): PolicyDiagnostic {
  return { ...locate(source, path, pointAtKey), code, path: [...path], message };
}

function unionBranch(issue: Extract<Issue, { code: 'invalid_union' }>): Issue[] | undefined {
  const branches = issue.errors.filter((branch) => branch.length > 0);
  let best: Issue[] | undefined;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const branch of branches) {
    // A branch that got further (deeper paths, fewer top-level type mismatches) explains the input best.
    const depth = Math.max(...branch.map((inner) => inner.path.length));
    const typeMismatch = branch.some((inner) => inner.code === 'invalid_type' && inner.path.length === 0)
      ? 1
      : 0;
    const score = depth * 10 - typeMismatch * 5 - branch.length;
    if (score > bestScore) {
      best = branch;
      bestScore = score;
    }
  }
  return best;
}

/** Converts zod issues on `source.value` into located diagnostics with readable messages. */
export function issuesToDiagnostics(
  issues: readonly Issue[],
  source: PlainWithPositions,
  schema: z.ZodType,
  prefix: Path = [],
): PolicyDiagnostic[] {
  const output: PolicyDiagnostic[] = [];
  for (const issue of issues) {
    const path: Path = [...prefix, ...(issue.path as (string | number)[])];
    const value = valueAt(source.value, path);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = knownKeysAt(schema, path);
        for (const key of issue.keys) {
          output.push(
            diagnostic(
              source,
              [...path, key],
              'UNKNOWN_KEY',
              `unknown key "${key}"${didYouMean(key, known)}${
                known.length > 0 && known.length <= 12 ? `; expected one of: ${known.join(', ')}` : ''
              }`,
              true,
            ),
          );
        }
        break;
      }
      case 'invalid_type': {
        if (value === undefined) {
          output.push(
            diagnostic(source, path, 'MISSING_KEY', `required key "${String(path.at(-1))}" is missing`, true),
          );
        } else {
          const expected = expectedNames[issue.expected] ?? issue.expected;
          const tildeHint =
            value === null && issue.expected === 'string' && path[0] === 'filesystem_policy'
              ? ' (in YAML a bare ~ is null: write "~" for the home directory)'
              : '';
          output.push(
            diagnostic(
              source,
              path,
              'INVALID_VALUE',
              `expected ${expected}, got ${describeValue(value)}${tildeHint}`,
            ),
          );
        }
        break;
      }
      case 'invalid_value': {
        const allowed = issue.values.map((entry) => JSON.stringify(entry));
        const hint = typeof value === 'string' ? didYouMean(value, issue.values.map(String)) : '';
        output.push(
          diagnostic(
            source,
            path,
            'INVALID_VALUE',
            allowed.length === 1
              ? `must be ${allowed[0]}, got ${describeValue(value)}`
              : `must be one of ${allowed.join(', ')}, got ${describeValue(value)}${hint}`,
          ),
        );
        break;
      }
      case 'invalid_union': {
        const branch = unionBranch(issue);
        if (branch) output.push(...issuesToDiagnostics(branch, source, schema, path));
        else output.push(diagnostic(source, path, 'INVALID_VALUE', `invalid value ${describeValue(value)}`));
        break;
      }
      case 'too_small':
      case 'too_big': {
        const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
        const defaultMessage =
          issue.origin === 'array'
            ? `needs ${issue.code === 'too_small' ? 'at least' : 'at most'} ${bound} item(s)`
            : issue.origin === 'string'
              ? issue.code === 'too_small' && Number(bound) === 1
                ? 'must not be empty'
                : `must be ${issue.code === 'too_small' ? 'at least' : 'at most'} ${bound} characters`
              : `must be ${issue.code === 'too_small' ? 'at least' : 'at most'} ${bound}`;
        output.push(
          diagnostic(
            source,
            path,
            'INVALID_VALUE',
            isDefaultMessage(issue.message) ? defaultMessage : issue.message,
          ),
        );
        break;
      }
      default:
        output.push(
          diagnostic(
            source,
            path,
            'INVALID_VALUE',
            isDefaultMessage(issue.message) ? `invalid value ${describeValue(value)}` : issue.message,
          ),
        );
    }
  }
  return output;
}

/** zod's built-in messages start with "Invalid" or "Too"; ours never do. */
function isDefaultMessage(message: string): boolean {
  return /^(Invalid|Too (small|big))/.test(message);
}
