#!/usr/bin/env node
// Copies the repository's shipped policies (policies/*.yaml, presets/, policy.schema.json) into
// this package's policies/ so the published package carries them (see shippedPoliciesDir()).
import { cpSync, rmSync } from 'node:fs';

const source = new URL('../../../policies/', import.meta.url);
const target = new URL('../policies/', import.meta.url);
rmSync(target, { recursive: true, force: true });
cpSync(source, target, { recursive: true });
