#!/usr/bin/env node
// Writes the policy JSON Schema (generated from the zod schema in the built dist/) to
// policies/policy.schema.json at the repository root. Run by `npm run build` in this package;
// scripts/check-policy-schema.mjs at the root fails CI when the committed file is stale.
import { writeFileSync } from 'node:fs';
import { policyJsonSchema } from '../dist/index.js';

const target = new URL('../../../policies/policy.schema.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(policyJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
