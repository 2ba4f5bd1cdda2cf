import { z } from 'zod';
import { closestMatch } from './did-you-mean.js';
import { entityTypes } from './entity-types.js';
import { hostPatternProblem, isLoopbackHost } from './host-pattern.js';
import { ipRangeProblem } from './ip-range.js';
import { maximumPathsPerList, normalizePath, pathProblem } from './path-rules.js';
import { isKnownSyscall, knownSyscallNames } from './syscall-names.js';

/**
 * Cross-field checks run even when other fields of the same object failed (`when`), so that one
 * round of errors shows every problem. They therefore see unvalidated data and guard every access.
 */
const alwaysCheck = { when: () => true };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function stringEntries(value: unknown): [string, number][] {
  return Array.isArray(value)
    ? value.flatMap((item, index): [string, number][] => (typeof item === 'string' ? [[item, index]] : []))
    : [];
}

function objectEntries(value: unknown): [string, Record<string, unknown>][] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, item]): [string, Record<string, unknown>][] =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? [[key, item as Record<string, unknown>]]
      : [],
  );
}

/** Environment variables a sandboxed process inherits when `process.env.allow` is not given. */
export const defaultEnvAllow: readonly string[] = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'LANG',
  'LANGUAGE',
  'LC_ALL',
  'LC_CTYPE',
  'TERM',
  'TZ',
];

const policyPath = z
  .string()
  .superRefine((value, context) => {
    const problem = pathProblem(value);
    if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
  })
  .describe(
    'An absolute path. May start with "~" (the home directory) or a $' +
      '{VARIABLE} from the closed list ' +
      '(HOME, USER, WORKDIR, POLICY_DIR, XDG_CONFIG_HOME, XDG_CACHE_HOME, XDG_DATA_HOME); "..", NUL and ' +
      'relative paths are refused.',
  );

const pathList = (description: string) =>
  z
    .array(policyPath)
    .max(maximumPathsPerList, { message: `at most ${maximumPathsPerList} paths are allowed` })
    .default([])
    .describe(description);

const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
    message: 'must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*)',
  })
  .describe('An environment variable name.');

const syscallName = z
  .string()
  .superRefine((value, context) => {
    if (!isKnownSyscall(value)) {
      const suggestion = closestMatch(value, knownSyscallNames);
      context.addIssue({
        code: 'custom',
        message: `unknown syscall "${value}" (not in the x86_64 or aarch64 tables)${
          suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`
        }`,
      });
    }
  })
  .describe('A Linux system call name, checked against the x86_64 and aarch64 syscall tables.');

const userOrGroupId = z
  .union([z.string(), z.number()])
  .superRefine((value, context) => {
    if (value === 'sandbox') return;
    if (value === 0 || value === 'root')
      context.addIssue({ code: 'custom', message: 'root is refused; use "sandbox" or an id 1..4294967294' });
    else if (typeof value === 'string')
      context.addIssue({
        code: 'custom',
        message: `must be "sandbox" or a numeric id 1..4294967294, got the string ${JSON.stringify(value)}`,
      });
    else if (!Number.isInteger(value) || value < 1 || value > 4294967294)
      context.addIssue({
        code: 'custom',
        message: `must be "sandbox" or a numeric id 1..4294967294, got ${value}`,
      });
  })
  .transform((value) => value as 'sandbox' | number)
  .describe(
    '"sandbox" (an unprivileged identity the sandbox maps) or a numeric id 1..4294967294. Root is refused.',
  );

/** Schema of `filesystem_policy` (LOCKED at sandbox creation). */
export const filesystemPolicySchema = z
  .strictObject({
    include_workdir: z
      .boolean()
      .default(true)
      .describe('Grant read-write access to the working directory the sandbox is started in. Default true.'),
    read_only: pathList(
      'Paths the sandbox may read (and execute, unless listed in no_execute). Landlock rules.',
    ),
    read_write: pathList(
      'Paths the sandbox may read and write (and execute, unless listed in no_execute). "/" is refused.',
    ),
    deny: pathList(
      'Paths hidden from the sandbox (masked in its mount namespace), even inside an allowed directory. ' +
        'Landlock cannot deny a sub-path, so NemoClaw masks them. "~" is allowed.',
    ),
    no_execute: pathList(
      'Paths from read_only/read_write where executing files is NOT allowed. Each must itself be listed ' +
        'in read_only or read_write: Landlock cannot remove a right from a sub-path.',
    ),
    private_tmp: z
      .boolean()
      .default(true)
      .describe('Mount a private, empty /tmp inside the sandbox. Default true.'),
  })
  .superRefine((value, context) => {
    if (!isPlainObject(value)) return;
    for (const [path, index] of stringEntries(value.read_write)) {
      if (normalizePath(path) === '/')
        context.addIssue({
          code: 'custom',
          path: ['read_write', index],
          message: '"/" cannot be read-write: it would give the sandbox the whole filesystem',
        });
    }
    const granted = new Set(
      [...stringEntries(value.read_only), ...stringEntries(value.read_write)].map(([path]) =>
        normalizePath(path),
      ),
    );
    for (const [path, index] of stringEntries(value.no_execute)) {
      if (!granted.has(normalizePath(path)))
        context.addIssue({
          code: 'custom',
          path: ['no_execute', index],
          message: `"${path}" must also be listed in read_only or read_write (Landlock cannot remove execute from a sub-path)`,
        });
    }
  }, alwaysCheck)
  .describe('Filesystem access (Landlock) and masking. LOCKED: fixed when a sandbox is created.');

/** Schema of `landlock` (LOCKED). */
export const landlockPolicySchema = z
  .strictObject({
    compatibility: z
      .enum(['hard_requirement', 'best_effort'])
      .default('hard_requirement')
      .describe(
        'hard_requirement (default): refuse to start when the kernel cannot enforce the policy. ' +
          'best_effort (OpenShell default): run with what the kernel supports and report what is missing.',
      ),
  })
  .describe('Landlock settings. LOCKED.');

const processLimitsSchema = z
  .strictObject({
    nofile: z
      .number()
      .int()
      .min(1)
      .max(1_048_576)
      .default(1024)
      .describe('RLIMIT_NOFILE: open files. Default 1024.'),
    nproc: z
      .number()
      .int()
      .min(1)
      .max(4_194_304)
      .default(512)
      .describe('RLIMIT_NPROC: processes. Default 512.'),
    wall_seconds: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('Kill the sandboxed command after this many seconds of wall-clock time; 0 = no limit.'),
    cpu_seconds: z.number().int().min(1).optional().describe('RLIMIT_CPU: CPU seconds. Absent = unlimited.'),
    file_size_bytes: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('RLIMIT_FSIZE: largest file the sandbox may write. Absent = unlimited.'),
    address_space_bytes: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('RLIMIT_AS: virtual memory. Absent = unlimited.'),
    core_bytes: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('RLIMIT_CORE: core dump size. Absent = 0 (no core dumps) is decided by the launcher.'),
  })
  .describe('Resource limits (setrlimit) applied inside the sandbox.');

/** Schema of `process` (LOCKED). */
export const processPolicySchema = z
  .strictObject({
    run_as_user: userOrGroupId
      .optional()
      .describe('User the command runs as: "sandbox" or a uid 1..4294967294.'),
    run_as_group: userOrGroupId
      .optional()
      .describe('Group the command runs as: "sandbox" or a gid 1..4294967294.'),
    env: z
      .strictObject({
        allow: z
          .array(envName)
          .default([...defaultEnvAllow])
          .describe(
            `Variables passed through from the caller's environment. Default: ${defaultEnvAllow.join(' ')}.`,
          ),
        set: z
          .record(envName, z.string())
          .default({})
          .describe('Variables set to a fixed value inside the sandbox (override the allowed ones).'),
      })
      .prefault({})
      .describe('Environment hygiene: nothing but these variables reaches the sandboxed command.'),
    limits: processLimitsSchema.prefault({}),
  })
  .describe('Process identity, environment and limits. LOCKED.');

/** Schema of `syscalls` (LOCKED). */
export const syscallPolicySchema = z
  .strictObject({
    profile: z
      .enum(['default', 'strict'])
      .default('default')
      .describe(
        'default: OpenShell-equivalent deny list (ptrace, bpf, mount, unshare of user namespaces, ...). ' +
          'strict: additionally denies rarely needed syscalls.',
      ),
    allow: z
      .array(syscallName)
      .default([])
      .describe(
        'Syscalls the profile denies that this policy re-allows (e.g. ptrace for a debugger). Audited.',
      ),
    deny: z.array(syscallName).default([]).describe('Additional syscalls to deny (EPERM).'),
    allow_unix_sockets: z
      .boolean()
      .default(false)
      .describe('Allow socket(AF_UNIX). Default false: Unix sockets are denied unless re-allowed here.'),
  })
  .superRefine((value, context) => {
    if (!isPlainObject(value)) return;
    const allowed = new Set(stringEntries(value.allow).map(([name]) => name));
    for (const [name, index] of stringEntries(value.deny)) {
      if (allowed.has(name))
        context.addIssue({
          code: 'custom',
          path: ['deny', index],
          message: `"${name}" is listed in both syscalls.allow and syscalls.deny`,
        });
    }
  }, alwaysCheck)
  .describe('The seccomp filter. LOCKED.');

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
      .describe('Exact host name or IP, or "*." as the whole first label (e.g. "*.github.com").'),
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

const providerIdPattern = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Schema of one `inference.providers.<id>` entry. */
export const inferenceProviderSchema = z
  .strictObject({
    kind: z
      .enum(['nemotron', 'openai-compatible', 'anthropic', 'ollama'])
      .describe('API dialect of the provider.'),
    base_url: z
      .string()
      .superRefine((value, context) => {
        if (!URL.canParse(value)) context.addIssue({ code: 'custom', message: `"${value}" is not a URL` });
        else if (!/^https?:$/.test(new URL(value).protocol))
          context.addIssue({ code: 'custom', message: 'base_url must be http:// or https://' });
      })
      .describe('Base URL of the API, e.g. http://127.0.0.1:8000/v1.'),
    model: z.string().min(1).optional().describe('Model to request. Absent = the caller chooses.'),
    api_key_env: envName
      .optional()
      .describe(
        'Name of the environment variable holding the API key (the key itself never goes in a policy).',
      ),
    local: z
      .boolean()
      .optional()
      .describe('Whether data sent here stays on this machine. Default: true when base_url is loopback.'),
  })
  .transform((value) => ({
    ...value,
    local:
      value.local ??
      (URL.canParse(value.base_url) ? isLoopbackHost(new URL(value.base_url).hostname) : false),
  }))
  .describe('A model endpoint the privacy router can route to.');

const routeTarget = z.string().min(1).describe('A provider id from inference.providers, or "block".');

/** Schema of one `inference.rules[]` entry. */
export const inferenceRuleSchema = z
  .strictObject({
    when: z
      .strictObject({
        entities: z
          .array(z.enum(entityTypes))
          .min(1)
          .optional()
          .describe(`Matches when ANY of these entity types is detected: ${entityTypes.join(', ')}.`),
        terms: z
          .array(z.string().min(1))
          .min(1)
          .optional()
          .describe('Matches when ANY of these term lists hits.'),
        sensitivity: z
          .enum(['low', 'medium', 'high'])
          .optional()
          .describe('Matches when the detected sensitivity is at least this level.'),
      })
      .refine((value) => Object.keys(value).length > 0, {
        message: 'when needs at least one of entities, terms, sensitivity',
      })
      .describe('Conditions: ANY within a list, ALL across the keys given.'),
    route: routeTarget,
    redact: z
      .boolean()
      .optional()
      .describe('Redact detected entities before sending (reversibly, per inference.redaction).'),
  })
  .describe('A routing rule; the first rule that matches wins.');

const termListSchema = z
  .union([
    z.strictObject({
      file: z.string().min(1).describe('File of terms, one per line, relative to the policy file.'),
    }),
    z.strictObject({ values: z.array(z.string().min(1)).describe('The terms, inline.') }),
  ])
  .describe('A term list: {file: path} or {values: [..]}.');

/** Schema of `inference` (HOT-RELOADABLE). */
export const inferencePolicySchema = z
  .strictObject({
    providers: z
      .record(
        z
          .string()
          .regex(providerIdPattern, { message: 'provider id must be letters, digits, ".", "_" or "-"' }),
        inferenceProviderSchema,
      )
      .default({})
      .describe('Model endpoints, by id.'),
    default_route: routeTarget
      .default('block')
      .describe('Route when no rule matches: a provider id or "block".'),
    rules: z.array(inferenceRuleSchema).default([]).describe('Routing rules; the first match wins.'),
    terms: z
      .record(z.string().min(1), termListSchema)
      .default({})
      .describe('Named term lists for rules (customer names, project code names, ...).'),
    redaction: z
      .enum(['reversible', 'none'])
      .default('reversible')
      .describe('For routes to non-local providers: reversible (default) placeholders, or none.'),
    on_local_unavailable: z
      .enum(['block', 'redact_and_cloud'])
      .default('block')
      .describe(
        'When a local route is down: block (default, fail closed) or redact and use the default route.',
      ),
  })
  .superRefine((value, context) => {
    if (!isPlainObject(value)) return;
    const providerMap = objectEntries(value.providers);
    const providers = providerMap.map(([id]) => id);
    const providersValid = value.providers !== null && typeof value.providers === 'object';
    const checkRoute = (route: unknown, path: (string | number)[]) => {
      if (typeof route !== 'string' || !providersValid) return;
      if (route === 'block' || providers.includes(route)) return;
      const suggestion = closestMatch(route, [...providers, 'block']);
      context.addIssue({
        code: 'custom',
        path,
        message: `route "${route}" is not a provider in inference.providers (defined: ${
          providers.length === 0 ? 'none' : providers.join(', ')
        }) or "block"${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`}`,
      });
    };
    if (providers.includes('block'))
      context.addIssue({ code: 'custom', path: ['providers', 'block'], message: '"block" is reserved' });
    checkRoute(value.default_route, ['default_route']);
    const termsValid = value.terms !== null && typeof value.terms === 'object' && !Array.isArray(value.terms);
    const termNames = new Set(objectEntries(value.terms).map(([name]) => name));
    const rules: unknown[] = Array.isArray(value.rules) ? value.rules : [];
    rules.forEach((rule, index) => {
      if (rule === null || typeof rule !== 'object') return;
      const { route, when } = rule as { route?: unknown; when?: { terms?: unknown } };
      checkRoute(route, ['rules', index, 'route']);
      if (!termsValid || when === null || typeof when !== 'object') return;
      for (const [name, termIndex] of stringEntries(when.terms)) {
        if (!termNames.has(name))
          context.addIssue({
            code: 'custom',
            path: ['rules', index, 'when', 'terms', termIndex],
            message: `term list "${name}" is not defined in inference.terms`,
          });
      }
    });
  }, alwaysCheck)
  .describe('Privacy routing of model calls. HOT-RELOADABLE.');

/** Schema of the whole policy file (after `extends` is resolved and variables are expanded). */
export const policySchema = z
  .strictObject({
    version: z.literal(1, { message: 'version must be 1' }).describe('Policy format version. Must be 1.'),
    extends: z
      .union([z.string().min(1), z.array(z.string().min(1))])
      .optional()
      .describe(
        'Policies this one builds on: names under the policies directory (e.g. "default", "presets/npm") or ' +
          'paths relative to this file. Removed from the resolved policy.',
      ),
    preset: z
      .strictObject({
        name: z.string().min(1).describe('Preset name.'),
        description: z.string().optional().describe('What the preset allows.'),
      })
      .optional()
      .describe('Marks a preset file (OpenShell format): metadata only.'),
    filesystem_policy: filesystemPolicySchema.prefault({}),
    landlock: landlockPolicySchema.prefault({}),
    process: processPolicySchema.prefault({}),
    syscalls: syscallPolicySchema.prefault({}),
    network_policies: networkPoliciesSchema.default({}),
    network_middlewares: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('OpenShell network middlewares: accepted and passed through unchanged (HOT).'),
    inference: inferencePolicySchema.optional(),
  })
  .describe('A NemoClaw policy (an OpenShell-compatible superset).');

/** The resolved, validated policy (defaults applied, variables expanded, `extends` merged). */
export type Policy = z.output<typeof policySchema>;
/** A policy as written in a file (before defaults). */
export type PolicyInput = z.input<typeof policySchema>;
/** The `filesystem_policy` section of a resolved policy. */
export type FilesystemPolicy = Policy['filesystem_policy'];
/** The `landlock` section of a resolved policy. */
export type LandlockPolicy = Policy['landlock'];
/** The `process` section of a resolved policy. */
export type ProcessPolicy = Policy['process'];
/** The `syscalls` section of a resolved policy. */
export type SyscallPolicy = Policy['syscalls'];
/** The `network_policies` section of a resolved policy. */
export type NetworkPolicies = Policy['network_policies'];
/** One entry of `network_policies`. */
export type NetworkPolicy = z.output<typeof networkPolicySchema>;
/** One endpoint of a network policy entry. */
export type NetworkEndpoint = z.output<typeof networkEndpointSchema>;
/** The `inference` section of a resolved policy. */
export type InferencePolicy = z.output<typeof inferencePolicySchema>;
/** One inference provider. */
export type InferenceProvider = z.output<typeof inferenceProviderSchema>;
/** One inference routing rule. */
export type InferenceRule = z.output<typeof inferenceRuleSchema>;
