import { z } from 'zod';
import { policySchema } from './policy-schema.js';

/** The `$id` of the published JSON Schema. */
export const policyJsonSchemaId = 'https://nemoclaw.dev/schemas/policy.schema.json';

/**
 * The JSON Schema (draft 2020-12) of a policy file as written, generated from the zod schema:
 * for editors (`# yaml-language-server: $schema=...`). Cross-field rules (no_execute inside a
 * granted path, routes naming providers, unique names) are checked by the loader only.
 */
export function policyJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(policySchema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  });
  // OpenShell preset files carry `preset` and no `version`; every other file needs `version`.
  const required = Array.isArray(generated.required)
    ? generated.required.filter((key) => key !== 'version')
    : [];
  return {
    ...generated,
    $id: policyJsonSchemaId,
    title: 'NemoClaw policy',
    required,
    anyOf: [{ required: ['version'] }, { required: ['preset'] }],
  };
}
