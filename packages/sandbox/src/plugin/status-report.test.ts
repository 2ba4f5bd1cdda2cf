import { describe, expect, it } from 'vitest';
import { parsePluginConfig } from './plugin-config.js';
import { PluginRuntime } from './plugin-runtime.js';
import { formatDenials, formatStatus, statusReport } from './status-report.js';

function runtimeFor(config: unknown): PluginRuntime {
  const parsed = parsePluginConfig(config);
  if (!parsed.ok) throw new Error(parsed.error);
  // Never ready, so no launcher probe runs: the report must still say why and what is configured.
  return new PluginRuntime({
    config: parsed.value,
    stateDir: '/nonexistent/nemoclaw-status-test',
    unavailableReason: 'launcher not found (test)',
  });
}

describe('status report', () => {
  it('reports an unavailable sandbox with its reason, the guarded tools and the router', async () => {
    const report = await statusReport(
      runtimeFor({ mode: 'tools', tools: ['exec'], router: { baseUrl: 'http://127.0.0.1:8787/v1' } }),
    );
    expect(report).toMatchObject({
      sandbox: 'unavailable',
      reason: 'launcher not found (test)',
      mode: 'tools',
      guardedTools: ['exec'],
      router: 'http://127.0.0.1:8787/v1',
    });
    const text = formatStatus(report);
    expect(text).toContain('NemoClaw sandbox: unavailable (launcher not found (test))');
    expect(text).toContain(
      'privacy router: http://127.0.0.1:8787/v1 (wire it: openclaw nemoclaw router-config)',
    );
    expect(formatDenials(report)).toBe('No denials recorded in this process.');
  });

  it('says so when no router is configured', async () => {
    const report = await statusReport(runtimeFor({}));
    expect(report.router).toBeNull();
    expect(formatStatus(report)).toContain('privacy router: not configured');
  });
});
