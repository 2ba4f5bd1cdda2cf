import { isAbsolute, join, resolve } from 'node:path';
import { closestMatch } from './did-you-mean.js';

/**
 * The closed list of variables a policy path may use, as `${NAME}` (and `~` for HOME at the start).
 * Nothing from the environment is read beyond what these name: a policy means the same thing
 * whoever loads it, apart from these.
 */
export const policyVariableNames = [
  'HOME',
  'USER',
  'WORKDIR',
  'POLICY_DIR',
  'XDG_CONFIG_HOME',
  'XDG_CACHE_HOME',
  'XDG_DATA_HOME',
] as const;

/** One of {@link policyVariableNames}. */
export type PolicyVariableName = (typeof policyVariableNames)[number];

/** The values the variables expand to. */
export type PolicyVariables = Readonly<Record<PolicyVariableName, string>>;

/** Builds the variable values from the loader's context. XDG_* derive from HOME (the XDG defaults). */
export function policyVariables(context: {
  readonly home: string;
  readonly user: string;
  readonly workdir: string;
  readonly policyDir: string;
}): PolicyVariables {
  return {
    HOME: context.home,
    USER: context.user,
    WORKDIR: context.workdir,
    POLICY_DIR: context.policyDir,
    XDG_CONFIG_HOME: join(context.home, '.config'),
    XDG_CACHE_HOME: join(context.home, '.cache'),
    XDG_DATA_HOME: join(context.home, '.local', 'share'),
  };
}

/** The result of expanding one string. */
export type ExpansionResult =
  | { readonly ok: true; readonly value: string }
  | { readonly ok: false; readonly message: string };

/**
 * Expands a leading `~` (alone or `~/...`) to HOME and every `${NAME}` from the closed list.
 * `$NAME` without braces, an unclosed `${`, `~user` and unknown names are errors.
 */
export function expandVariables(text: string, variables: PolicyVariables): ExpansionResult {
  let input = text;
  let output = '';
  if (input === '~' || input.startsWith('~/')) {
    output = variables.HOME;
    input = input.slice(1);
  } else if (input.startsWith('~')) {
    return { ok: false, message: `"${text}": "~user" is not supported; use "~/" or \${HOME}` };
  }
  let index = 0;
  while (index < input.length) {
    const dollar = input.indexOf('$', index);
    if (dollar < 0) {
      output += input.slice(index);
      break;
    }
    output += input.slice(index, dollar);
    if (input[dollar + 1] !== '{') {
      const bare = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(input.slice(dollar));
      return {
        ok: false,
        message: bare
          ? `"${text}": write \${${bare[1]}} instead of $${bare[1]}`
          : `"${text}": a "$" must start a \${VARIABLE}`,
      };
    }
    const close = input.indexOf('}', dollar + 2);
    if (close < 0) return { ok: false, message: `"${text}": unclosed "\${"` };
    const name = input.slice(dollar + 2, close);
    if (!Object.hasOwn(variables, name)) {
      const suggestion = closestMatch(name, policyVariableNames);
      return {
        ok: false,
        message: `unknown variable \${${name}} (known: ${policyVariableNames.join(', ')})${
          suggestion === undefined ? '' : ` (did you mean \${${suggestion}}?)`
        }`,
      };
    }
    output += variables[name as PolicyVariableName];
    index = close + 1;
  }
  return { ok: true, value: output };
}

/** Makes `path` absolute against `base` when it is relative. */
export function absoluteFrom(base: string, path: string): string {
  return isAbsolute(path) ? path : resolve(base, path);
}
