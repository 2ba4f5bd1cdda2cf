import { parsePolicy } from '@nemoclaw/policy';
import { describe, expect, it } from 'vitest';
import {
  policyHasNetwork,
  proxyEnvironment,
  sandboxLaunchPolicy,
  withProxyEnvironment,
} from './proxy-environment.js';

describe('proxy environment', () => {
  it('points every usual spelling at the bridge and lets nothing bypass it', () => {
    const env = proxyEnvironment('127.0.0.1:3128');
    for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'all_proxy']) {
      expect(env[name], name).toBe('http://127.0.0.1:3128');
    }
    for (const name of [
      'npm_config_proxy',
      'npm_config_https_proxy',
      'YARN_HTTP_PROXY',
      'YARN_HTTPS_PROXY',
      'PIP_PROXY',
    ]) {
      expect(env[name], name).toBe('http://127.0.0.1:3128');
    }
    expect(env.NO_PROXY).toBe('');
    expect(env.no_proxy).toBe('');
  });

  it('overrides a policy that tries to set its own proxy or bypass list', () => {
    const parsed = parsePolicy(
      'version: 1\nprocess:\n  env:\n    set: { HTTPS_PROXY: "http://evil:1", NO_PROXY: "*", KEEP: "yes" }\n',
    );
    if (!parsed.ok) throw parsed.error;
    const env = withProxyEnvironment(parsed.value, '127.0.0.1:3128').process?.env?.set ?? {};
    expect(env).toMatchObject({ HTTPS_PROXY: 'http://127.0.0.1:3128', NO_PROXY: '', KEEP: 'yes' });
    expect(parsed.value.process?.env?.set?.HTTPS_PROXY).toBe('http://evil:1'); // the input is not mutated
  });

  it('tells whether a policy has any network', () => {
    const none = parsePolicy('version: 1\n');
    const some = parsePolicy(
      'version: 1\nnetwork_policies:\n  a: { name: a, endpoints: [{ host: x.example, port: 443 }] }\n',
    );
    if (!none.ok || !some.ok) throw new Error('fixtures');
    expect(policyHasNetwork(none.value)).toBe(false);
    expect(policyHasNetwork(some.value)).toBe(true);
  });

  it('the launch policy also masks the NemoClaw state root, keeping the policy own masks', () => {
    const parsed = parsePolicy('version: 1\nfilesystem_policy:\n  deny: [/srv/secret]\n');
    if (!parsed.ok) throw parsed.error;
    const launched = sandboxLaunchPolicy(parsed.value, '/home/u/.nemoclaw');
    expect(launched.filesystem_policy?.deny).toEqual(['/srv/secret', '/home/u/.nemoclaw']);
    expect(launched.process?.env?.set?.HTTP_PROXY).toBe('http://127.0.0.1:3128');
    expect(sandboxLaunchPolicy(launched, '/home/u/.nemoclaw').filesystem_policy?.deny).toHaveLength(2);
  });
});
