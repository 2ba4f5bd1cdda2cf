import { describe, expect, it } from 'vitest';
import { importOpenShellPolicy, parsePolicy } from './index.js';
import { testContext } from './test-support.js';

const openShell = `version: 1
filesystem_policy:
  include_workdir: true
  read_only: [/usr, /lib, /etc]
  read_write: [/sandbox, /tmp]
landlock:
  compatibility: best_effort
process:
  run_as_user: sandbox
  run_as_group: sandbox
network_policies:
  github:
    name: github
    endpoints:
      - { host: api.github.com, port: 443, access: full }
  telegram:
    name: telegram
    endpoints:
      - { host: api.telegram.org, port: 443, protocol: rest, tls: terminate }
`;

describe('importOpenShellPolicy', () => {
  it('translates and reports what mapped how', () => {
    const result = importOpenShellPolicy(openShell, { file: 'openshell.yaml' });
    if (!result.ok) throw new Error(result.error.message);
    const notes = Object.fromEntries(result.value.notes.map((note) => [note.field, note.action]));
    expect(notes).toMatchObject({
      'landlock.compatibility': 'warning',
      'process.run_as_user': 'kept',
      'process.run_as_group': 'kept',
      syscalls: 'added',
      inference: 'warning',
      'filesystem_policy.deny': 'warning',
      'network_policies.telegram.binaries': 'warning',
      network_policies: 'kept',
    });
    expect(result.value.policy.landlock).toEqual({ compatibility: 'best_effort' });
    expect(result.value.policy.network_policies).toEqual({
      github: { name: 'github', endpoints: [{ host: 'api.github.com', port: 443, access: 'full' }] },
      telegram: {
        name: 'telegram',
        endpoints: [{ host: 'api.telegram.org', port: 443, protocol: 'rest', tls: 'terminate' }],
      },
    });
  });

  it('produces YAML that loads as a NemoClaw policy with the same network and filesystem rules', () => {
    const result = importOpenShellPolicy(openShell, { file: 'openshell.yaml' });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.yaml.startsWith('# Imported from the OpenShell policy openshell.yaml')).toBe(true);
    const imported = parsePolicy(result.value.yaml, testContext);
    const original = parsePolicy(openShell, testContext);
    if (!imported.ok || !original.ok) throw new Error('both must load');
    expect(imported.value.network_policies).toEqual(original.value.network_policies);
    expect(imported.value.filesystem_policy).toEqual(original.value.filesystem_policy);
    expect(imported.value.syscalls.profile).toBe('default');
  });

  it('makes hard_requirement explicit when OpenShell relied on its best_effort default', () => {
    const result = importOpenShellPolicy('version: 1\nfilesystem_policy: { read_only: [/usr] }\n');
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.policy.landlock).toEqual({ compatibility: 'hard_requirement' });
    expect(result.value.notes.find((note) => note.field === 'landlock.compatibility')?.action).toBe('added');
  });

  it('refuses an invalid file with located errors', () => {
    const result = importOpenShellPolicy('version: 1\nfilesystem_policy: { read_onyl: [/usr] }\n', {
      file: 'o.yaml',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toMatch(
      /^o\.yaml:2:22: filesystem_policy\.read_onyl: unknown key "read_onyl" \(did you mean "read_only"\?\)/,
    );
  });
});
