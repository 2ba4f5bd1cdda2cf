import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { policyJsonSchema } from './index.js';

interface SchemaNode {
  readonly properties?: Record<string, SchemaNode>;
  readonly description?: string;
  readonly default?: unknown;
  readonly enum?: readonly unknown[];
  readonly anyOf?: readonly SchemaNode[];
}

describe('policyJsonSchema', () => {
  const schema = policyJsonSchema() as SchemaNode & Record<string, unknown>;

  it('is a draft 2020-12 schema with an id, describing every top-level domain', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe('https://nemoclaw.dev/schemas/policy.schema.json');
    for (const key of [
      'version',
      'extends',
      'filesystem_policy',
      'landlock',
      'process',
      'syscalls',
      'network_policies',
      'inference',
    ])
      expect(schema.properties?.[key]?.description, key).toBeTruthy();
  });

  it('documents the fields with defaults', () => {
    const filesystem = schema.properties?.filesystem_policy;
    expect(filesystem?.properties?.include_workdir?.default).toBe(true);
    expect(filesystem?.properties?.no_execute?.description).toContain('Landlock cannot remove a right');
    expect(schema.properties?.landlock?.properties?.compatibility?.default).toBe('hard_requirement');
  });

  it('accepts OpenShell preset files without a version', () => {
    expect(schema.anyOf).toEqual([{ required: ['version'] }, { required: ['preset'] }]);
  });

  it('is what policies/policy.schema.json holds (run the package build to regenerate it)', () => {
    const onDisk = JSON.parse(
      readFileSync(new URL('../../../policies/policy.schema.json', import.meta.url), 'utf8'),
    );
    expect(onDisk).toEqual(schema);
  });
});
