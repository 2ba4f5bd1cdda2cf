import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePluginConfig, pluginConfigJsonSchema, routerConfigPatch } from './plugin-config.js';

describe('plugin config', () => {
  it('defaults to mode all with nothing else set', () => {
    expect(parsePluginConfig(undefined)).toEqual({ ok: true, value: { mode: 'all' } });
  });

  it('accepts a full config', () => {
    const parsed = parsePluginConfig({
      policy: '~/.nemoclaw/policy.yaml',
      mode: 'tools',
      tools: ['exec'],
      toolPolicies: { exec: 'exec.yaml', write: 'write.yaml' },
      requireApproval: ['apply_patch'],
      router: { baseUrl: 'http://127.0.0.1:8787/v1' },
      install: { blockInstallScripts: true },
    });
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.value.router?.models).toEqual([{ id: 'default' }]);
  });

  it('rejects bad input with one line naming the field, never a stack trace', () => {
    expect(parsePluginConfig({ mode: 'some' })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^mode: /),
    });
    expect(parsePluginConfig({ unknownKey: 1 })).toMatchObject({ ok: false });
    expect(parsePluginConfig({ toolPolicies: { ls: 'x' } })).toMatchObject({ ok: false });
    expect(parsePluginConfig({ router: { baseUrl: 'file:///etc/passwd' } })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^router\.baseUrl: /),
    });
    expect(parsePluginConfig('nonsense')).toMatchObject({ ok: false });
  });

  it('openclaw.plugin.json carries exactly the schema the code validates with', () => {
    const manifest = JSON.parse(
      readFileSync(new URL('../../openclaw.plugin.json', import.meta.url), 'utf8'),
    ) as {
      id: string;
      configSchema: unknown;
    };
    const { $schema: _ignored, ...schema } = pluginConfigJsonSchema();
    expect(manifest.id).toBe('nemoclaw');
    expect(manifest.configSchema).toEqual(schema);
  });

  it('router-config: the openclaw.json patch that makes the router the provider of the default model', () => {
    const parsed = parsePluginConfig({
      router: {
        baseUrl: 'http://127.0.0.1:8787/v1',
        apiKeyEnv: 'ROUTER_KEY',
        models: [{ id: 'm1' }, { id: 'm2' }],
      },
    });
    if (!parsed.ok || parsed.value.router === undefined) throw new Error('router config rejected');
    const patch = routerConfigPatch(parsed.value.router) as {
      models: {
        mode: string;
        providers: Record<string, { baseUrl: string; apiKey: string; models: { id: string }[] }>;
      };
      agents: { defaults: { model: { primary: string } } };
    };
    expect(patch.models.mode).toBe('merge');
    const provider = patch.models.providers['nemoclaw-router'];
    expect(provider?.baseUrl).toBe('http://127.0.0.1:8787/v1');
    // OpenClaw expands ${VAR} in config: the key itself is never written to openclaw.json.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: OpenClaw's environment reference, literally
    expect(provider?.apiKey).toBe('${ROUTER_KEY}');
    expect(provider?.models.map((model) => model.id)).toEqual(['m1', 'm2']);
    expect(patch.agents.defaults.model.primary).toBe('nemoclaw-router/m1');
  });
});
