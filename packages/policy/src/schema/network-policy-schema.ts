import { z } from 'zod';
import { hostPatternProblem } from '../host-pattern.js';
import { ipRangeProblem } from '../ip-range.js';
import { alwaysCheck, isPlainObject, objectEntries } from './refinement-helpers.js';

const port = z
  .number()
  .int({ message: 'port must be an integer' })
  .min(1, { message: 'port must be between 1 and 65535' })
  .max(65535, { message: 'port must be between 1 and 65535' })
  .describe('A TCP port, 1..65535.');

const httpMatchSchema = z
  .strictObject({
    method: z
      .string()
      .regex(/^(\*|[A-Za-z]+)$/, { message: 'method must be an HTTP method name or "*"' })
      .optional()
      .describe('HTTP method (GET, POST, ...) or "*". Absent = any.'),
    path: z
      .string()
      .regex(/^[/*]/, { message: 'path must start with "/" or "*"' })
      .optional()
      .describe('Path glob: "*" matches within a segment, "**" across segments. Absent = any.'),
    query: z
      .union([z.string(), z.record(z.string(), z.union([z.string(), z.array(z.string())]))])
      .optional()
      .describe('Query-string match: a glob on the whole query, or parameter -> glob(s).'),
  })
  .describe('An HTTP request match.');

const allowRuleSchema = z
  .strictObject({ allow: httpMatchSchema })
  .describe('An L7 allow rule (the endpoint must use protocol rest/websocket/graphql/... for it to apply).');

const denyRuleSchema = z
  .union([z.strictObject({ deny: httpMatchSchema }), httpMatchSchema])
  .transform((value) => ('deny' in value ? value.deny : value))
  .describe('An L7 deny rule: {deny: {method, path, query}} or {method, path, query}. Deny wins over allow.');

/** Schema of one `network_policies.<key>.endpoints[]` entry. */
export const networkEndpointSchema = z
  .strictObject({
    host: z
      .string()
      .superRefine((value, context) => {
        const problem = hostPatternProblem(value);
        if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
      })
      .describe(
        'Exact host name or IP, or "*." as the whole first label (e.g. "*.github.com" matches exactly one label in front: api.github.com, not a.b.github.com).',
      ),
    port: port.optional().describe('The port. Give port or ports.'),
    ports: z.array(port).min(1).optional().describe('Several ports. Give port or ports.'),
    path: z
      .string()
      .regex(/^\//, { message: 'path must start with "/"' })
      .optional()
      .describe('Path prefix/glob the endpoint is limited to.'),
    protocol: z
      .enum(['rest', 'websocket', 'graphql', 'mcp', 'json-rpc', 'sql', 'tcp'])
      .optional()
      .describe('Application protocol for L7 inspection. Absent = L4 pass-through.'),
    tls: z
      .enum(['terminate', 'skip'])
      .optional()
      .describe('terminate: inspect TLS (needed for L7 rules); skip: pass through. Absent = auto-detected.'),
    enforcement: z
      .enum(['enforce', 'audit'])
      .optional()
      .describe('enforce (default): block what is not allowed; audit: allow but log would-be denials.'),
    access: z
      .enum(['read-only', 'read-write', 'full'])
      .optional()
      .describe('read-only = GET/HEAD/OPTIONS; read-write = + POST/PUT/PATCH; full = any method.'),
    rules: z.array(allowRuleSchema).optional().describe('L7 allow rules.'),
    deny_rules: z.array(denyRuleSchema).optional().describe('L7 deny rules; deny wins over allow.'),
    allowed_ips: z
      .array(
        z
          .string()
          .superRefine((value, context) => {
            const problem = ipRangeProblem(value);
            if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
          })
          .describe('An IP address or CIDR block.'),
      )
      .optional()
      .describe('Addresses this endpoint may resolve to even though they are private/loopback/link-local.'),
  })
  .superRefine((value, context) => {
    if (value.port === undefined && value.ports === undefined)
      context.addIssue({ code: 'custom', path: ['host'], message: 'endpoint needs "port" or "ports"' });
    if (value.port !== undefined && value.ports !== undefined)
      context.addIssue({ code: 'custom', path: ['ports'], message: 'give "port" or "ports", not both' });
  })
  .describe('A network destination the sandbox may reach.');

/** Schema of one `network_policies.<key>` entry (OpenShell's format). */
export const networkPolicySchema = z
  .strictObject({
    name: z.string().min(1).describe('Unique name of this policy entry (OpenShell requires it).'),
    endpoints: z.array(networkEndpointSchema).default([]).describe('Destinations this entry allows.'),
    binaries: z
      .array(
        z
          .strictObject({
            path: z
              .string()
              .min(1)
              .regex(/^[/~$*]/, { message: 'binary path must be absolute (globs allowed)' })
              .describe('Absolute path of an executable; globs allowed (e.g. /usr/bin/python3*).'),
          })
          .describe('An executable allowed to use these endpoints.'),
      )
      .optional()
      .describe('Executables allowed to use these endpoints. Absent = any executable in the sandbox.'),
  })
  .describe('A named set of endpoints and the binaries allowed to reach them.');

/** Schema of `network_policies` (HOT-RELOADABLE). Absent or empty = no network at all. */
export const networkPoliciesSchema = z
  .record(z.string().min(1), networkPolicySchema)
  .superRefine((value, context) => {
    if (!isPlainObject(value)) return;
    const seen = new Map<string, string>();
    for (const [key, entry] of objectEntries(value)) {
      if (typeof entry.name !== 'string') continue;
      const first = seen.get(entry.name);
      if (first !== undefined)
        context.addIssue({
          code: 'custom',
          path: [key, 'name'],
          message: `duplicate network policy name "${entry.name}" (also used by "${first}")`,
        });
      else seen.set(entry.name, key);
    }
  }, alwaysCheck)
  .describe('Egress rules, keyed by an id. HOT-RELOADABLE. Absent or empty = deny all network access.');
