import { z } from 'zod';

/** Landlock access names the launcher understands (native/PLAN.md). */
export const landlockAccessSchema = z.enum(['read', 'write', 'execute', 'make_special', 'ioctl_dev']);
/** One Landlock access name. */
export type LandlockAccess = z.infer<typeof landlockAccessSchema>;

const port = z.number().int().min(1).max(65_535);

/** One Landlock rule: an absolute path and the rights granted beneath it. */
export const landlockPathRuleSchema = z.strictObject({
  path: z.string().startsWith('/'),
  access: z.array(landlockAccessSchema).min(1),
});
/** One Landlock rule of a plan. */
export type LandlockPathRule = z.infer<typeof landlockPathRuleSchema>;

/** The bridge hook: loopback TCP inside the sandbox relayed to the egress proxy's Unix socket. */
export const bridgeSchema = z.strictObject({
  listen: z.string().regex(/^127\.0\.0\.1:\d{1,5}$/, 'listen must be 127.0.0.1:PORT'),
  unix_socket: z.string().startsWith('/'),
});
/** The plan's `bridge` entry. */
export type PlanBridge = z.infer<typeof bridgeSchema>;

/**
 * The launch plan: the one JSON document `nemoclaw-sandbox-exec` reads on `--plan-fd`
 * (native/PLAN.md is the contract). Every path is absolute and every list final; the launcher
 * rejects unknown keys with exit 120, and so does this schema.
 */
export const launchPlanSchema = z.strictObject({
  version: z.literal(1),
  command: z.strictObject({
    argv: z.array(z.string()).min(1),
    cwd: z.string().startsWith('/'),
  }),
  env: z.record(z.string(), z.string()),
  namespaces: z.strictObject({
    user: z.boolean(),
    mount: z.boolean(),
    pid: z.boolean(),
    net: z.boolean(),
    ipc: z.boolean(),
    uts: z.boolean(),
    cgroup: z.boolean(),
  }),
  hostname: z.string().min(1).max(64),
  filesystem: z.strictObject({
    proc: z.boolean(),
    private_tmp: z.boolean(),
    deny: z.array(z.string().startsWith('/')),
    read_only_binds: z.array(z.string().startsWith('/')),
    /** The whole tree read-only, then `writable` bound back as it was (launcher default false). */
    read_only_root: z.boolean().optional(),
    /** Paths bound back read-write after `read_only_root`. */
    writable: z.array(z.string().startsWith('/')).optional(),
    /** Paths re-bound noexec: execve, the dynamic loader and mmap(PROT_EXEC) all fail there. */
    no_exec: z.array(z.string().startsWith('/')).optional(),
    /** Missing directories the launcher creates empty, binds read-only and removes at exit (shared between sandboxes). */
    placeholders: z.array(z.string().startsWith('/')).optional(),
    /**
     * Missing files the launcher creates with a neutral content (at most 4 KiB), binds read-only
     * and removes at exit when unchanged.
     */
    placeholder_files: z
      .array(z.strictObject({ path: z.string().startsWith('/'), content: z.string().max(4096) }))
      .optional(),
  }),
  landlock: z.strictObject({
    compatibility: z.enum(['hard_requirement', 'best_effort']),
    paths: z.array(landlockPathRuleSchema),
    net: z.strictObject({ connect_tcp: z.array(port), bind_tcp: z.array(port) }),
    scope: z.strictObject({ signal: z.boolean(), abstract_unix_socket: z.boolean() }),
    log: z.boolean(),
    /**
     * Which protections `hard_requirement` insists on (launcher default: all true). A namespace or
     * the read-only root may already provide one: truncate (ABI 3), net (TCP rules, ABI 4),
     * scope (signal and abstract-socket scoping, ABI 6).
     */
    required: z.strictObject({ truncate: z.boolean(), net: z.boolean(), scope: z.boolean() }).optional(),
  }),
  rlimits: z.record(z.string(), z.number().int().min(0)),
  wall_seconds: z.number().int().min(0),
  seccomp: z.strictObject({
    profile: z.enum(['default', 'strict']),
    allow: z.array(z.string()),
    deny: z.array(z.string()),
    allow_unix_sockets: z.boolean(),
  }),
  keep_fds: z.array(z.number().int().min(3)),
  bridge: bridgeSchema.nullable(),
  pty: z.boolean(),
  abi_override: z.number().int().min(1).max(7).nullable(),
  verbose: z.boolean(),
});

/** A launch plan, exactly as serialised for the launcher. */
export type LaunchPlan = z.infer<typeof launchPlanSchema>;
