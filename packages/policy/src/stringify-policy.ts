import { stringify } from 'yaml';
import type { Policy } from './policy-schema.js';

/** Renders a resolved policy as YAML (what `nemoclaw policy show` prints). Loads back to the same policy. */
export function stringifyPolicy(policy: Policy): string {
  return stringify(policy, { lineWidth: 0, aliasDuplicateObjects: false });
}
