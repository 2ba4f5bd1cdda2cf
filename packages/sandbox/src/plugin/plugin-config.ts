import { z } from 'zod';

/** Tools whose execution the `nemoclaw` sandbox backend carries: `exec` and OpenClaw's file tools. */
export const sandboxedToolNames: readonly string[] = [
  'exec',
  'process',
  'read',
  'write',
  'edit',
  'apply_patch',
];

const toolName = z.string().min(1).max(128);
const nonEmptyPath = z.string().min(1).max(4096);

/** The model that the privacy-router provider advertises to OpenClaw. */
const routerModelSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().min(1).optional(),
  contextWindow: z.number().int().positive().optional(),
  maxTokens: z.number().int().positive().optional(),
});

/**
 * The plugin configuration (`plugins.entries.nemoclaw.config` in `openclaw.json`). Every field is
 * optional; the defaults confine every `exec` and file tool under the shipped default policy.
 */
export const pluginConfigSchema = z.strictObject({
  /** Policy YAML file (default: the shipped `default.yaml`). Relative paths resolve against OpenClaw's config. */
  policy: nonEmptyPath.optional(),
  /**
   * `all` (default): every `exec` and file tool must run in the `nemoclaw` sandbox backend; when the
   * backend is not configured or cannot be applied they are blocked. `tools`: only the tools listed
   * in `tools` are guarded (tool by tool).
   */
  mode: z.enum(['all', 'tools']).default('all'),
  /** Tools guarded in `tools` mode (default: exec, process, read, write, edit, apply_patch). */
  tools: z.array(toolName).max(256).optional(),
  /**
   * Narrower policies for named tools: `exec` applies to commands the `exec` tool runs, `read` to
   * file-tool reads (read, stat, list), `write` to file-tool changes (write, edit, mkdir, remove,
   * rename). Each replaces the base policy for those operations.
   */
  toolPolicies: z
    .strictObject({
      exec: nonEmptyPath.optional(),
      read: nonEmptyPath.optional(),
      write: nonEmptyPath.optional(),
    })
    .optional(),
  /** Tool names that need a person's approval before they run (OpenClaw's `requireApproval`). */
  requireApproval: z.array(toolName).max(256).optional(),
  /** The `nemoclaw-sandbox-exec` launcher (default: NEMOCLAW_SANDBOX_EXEC, then the package's dist/bin). */
  launcherPath: nonEmptyPath.optional(),
  /** Directory of the hash-chained OCSF audit log (default: `<OpenClaw state dir>/nemoclaw/audit`). */
  auditDir: nonEmptyPath.optional(),
  /** Route every model call through a running NemoClaw privacy router (`nemoclaw router start`). */
  router: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** The router's OpenAI-compatible base URL, e.g. `http://127.0.0.1:8787/v1`. */
      baseUrl: z.url({ protocol: /^https?$/ }),
      /** Environment variable holding the router's API key, if it requires one. */
      apiKeyEnv: z.string().min(1).max(128).optional(),
      models: z
        .array(routerModelSchema)
        .min(1)
        .max(64)
        .default([{ id: 'default' }]),
    })
    .optional(),
  /** What `before_install` does with plugins and skills being installed. */
  install: z
    .strictObject({
      /** Refuse packages that declare npm install scripts (default false: report only). */
      blockInstallScripts: z.boolean().default(false),
      /** Package names allowed to have install scripts even when blocking. */
      allowInstallScripts: z.array(z.string().min(1)).max(256).default([]),
    })
    .optional(),
});

/** The validated plugin configuration. */
export type PluginConfig = z.infer<typeof pluginConfigSchema>;

/** Outcome of {@link parsePluginConfig}. */
export type PluginConfigResult = { ok: true; value: PluginConfig } | { ok: false; error: string };

/**
 * Validates untrusted plugin configuration. Never throws: a problem comes back as one line naming
 * the field, e.g. `mode: Invalid option: expected one of "all"|"tools"`.
 */
export function parsePluginConfig(input: unknown): PluginConfigResult {
  const parsed = pluginConfigSchema.safeParse(input ?? {});
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? 'config' : issue.path.join('.');
  return { ok: false, error: `${where}: ${issue?.message ?? 'invalid'}` };
}

/** The JSON Schema of the configuration, as written into `openclaw.plugin.json`. */
export function pluginConfigJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(pluginConfigSchema, { io: 'input' }) as Record<string, unknown>;
}
