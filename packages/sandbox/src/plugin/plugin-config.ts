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

/** The OpenClaw provider id under which the privacy router is wired (`models.providers.<id>`). */
export const routerProviderId = 'nemoclaw-router';

/**
 * The `openclaw.json` patch that sends every model call of the agent through the privacy router:
 * a custom OpenAI-compatible provider `nemoclaw-router` whose `baseUrl` is the router, with the
 * router's models, made the default model (`agents.defaults.model.primary`). Apply it with
 * `openclaw config patch --file <it>` (`openclaw nemoclaw router-config` prints it). The router
 * holds the real providers' keys; `apiKey` is the router's own key variable (`${VAR}`, expanded by
 * OpenClaw) or a placeholder, since a loopback router has no client authentication.
 */
export function routerConfigPatch(router: NonNullable<PluginConfig['router']>): Record<string, unknown> {
  const [first] = router.models;
  return {
    models: {
      mode: 'merge',
      providers: {
        [routerProviderId]: {
          baseUrl: router.baseUrl,
          apiKey: router.apiKeyEnv === undefined ? 'nemoclaw-router' : `\${${router.apiKeyEnv}}`,
          api: 'openai-completions',
          models: router.models.map((model) => ({
            id: model.id,
            name: model.name ?? model.id,
            reasoning: false,
            input: ['text'],
            cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 },
            contextWindow: model.contextWindow ?? 131072,
            maxTokens: model.maxTokens ?? 8192,
          })),
        },
      },
    },
    agents: { defaults: { model: { primary: `${routerProviderId}/${first?.id ?? 'default'}` } } },
  };
}
