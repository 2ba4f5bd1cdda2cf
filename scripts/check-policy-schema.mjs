#!/usr/bin/env node
// Fails when policies/policy.schema.json is not what the built @nemoclaw/policy generates.
// Regenerate with: npx turbo run build --filter=@nemoclaw/policy
import { readFileSync } from 'node:fs';
import { policyJsonSchema } from '../packages/policy/dist/index.js';

const path = new URL('../policies/policy.schema.json', import.meta.url);
const expected = `${JSON.stringify(policyJsonSchema(), null, 2)}\n`;
let actual = '';
try {
  actual = readFileSync(path, 'utf8');
} catch {
  actual = '';
}
if (actual !== expected) {
  console.error(
    'policies/policy.schema.json is out of date with the zod schema in packages/policy.\n' +
      'Regenerate it with `npx turbo run build --filter=@nemoclaw/policy` and commit the result.',
  );
  process.exit(1);
}
console.log('policies/policy.schema.json is current');
