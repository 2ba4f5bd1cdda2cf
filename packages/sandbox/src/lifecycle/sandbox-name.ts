import { SandboxError } from '../sandbox-error.js';

/** Sandbox names: a lower-case letter or digit, then up to 62 lower-case letters, digits or `-`. */
export const sandboxNamePattern = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Outcome of {@link validateSandboxName}. */
export type SandboxNameResult =
  | { readonly ok: true; readonly value: string }
  | { readonly ok: false; readonly error: SandboxError };

/**
 * Checks that `name` can name a sandbox: one safe path segment and a valid hostname label
 * (`[a-z0-9][a-z0-9-]{0,62}`). Never throws.
 */
export function validateSandboxName(name: unknown): SandboxNameResult {
  if (typeof name === 'string' && sandboxNamePattern.test(name)) return { ok: true, value: name };
  const shown = typeof name === 'string' ? JSON.stringify(name.slice(0, 80)) : String(typeof name);
  return {
    ok: false,
    error: new SandboxError(
      'sandbox-invalid-name',
      `${shown} is not a sandbox name: use 1-63 lower-case letters, digits and "-", starting with a letter or digit`,
    ),
  };
}

/** Like {@link validateSandboxName} but throws the {@link SandboxError}. */
export function assertSandboxName(name: unknown): string {
  const result = validateSandboxName(name);
  if (!result.ok) throw result.error;
  return result.value;
}
