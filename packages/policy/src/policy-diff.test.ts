import { describe, expect, it } from 'vitest';
import { diffPolicies, type Policy, parsePolicy } from './index.js';
import { testContext } from './test-support.js';

function policy(text: string): Policy {
  const result = parsePolicy(`version: 1\n${text}`, { file: 'p.yaml', ...testContext });
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

const base = policy(`filesystem_policy: { read_only: [/usr, /etc], read_write: [/tmp], no_execute: [/tmp] }
network_policies:
  github: { name: github, endpoints: [{ host: api.github.com, port: 443 }], binaries: [{ path: /usr/bin/git }] }
inference:
  providers: { local: { kind: ollama, base_url: "http://127.0.0.1:11434" } }
  default_route: local
`);

describe('diffPolicies', () => {
  it('finds nothing between equal policies', () => {
    expect(diffPolicies(base, base)).toEqual({ changes: [], hasLockedChanges: false, hasHotChanges: false });
  });

  it('classifies filesystem, landlock, process and syscalls changes as locked', () => {
    const next =
      policy(`filesystem_policy: { read_only: [/usr, /opt], read_write: [/tmp], no_execute: [/tmp] }
landlock: { compatibility: best_effort }
process: { run_as_user: 1000, limits: { nofile: 2048 } }
syscalls: { allow: [ptrace] }
network_policies:
  github: { name: github, endpoints: [{ host: api.github.com, port: 443 }], binaries: [{ path: /usr/bin/git }] }
inference:
  providers: { local: { kind: ollama, base_url: "http://127.0.0.1:11434" } }
  default_route: local
`);
    const diff = diffPolicies(base, next);
    expect(diff.hasLockedChanges).toBe(true);
    expect(diff.hasHotChanges).toBe(false);
    expect(diff.changes.map((change) => [change.field, change.class, change.explanation])).toEqual([
      [
        'filesystem_policy.read_only',
        'locked',
        'added "/opt" (newly readable); removed "/etc" (no longer readable)',
      ],
      [
        'landlock.compatibility',
        'locked',
        '"hard_requirement" -> "best_effort": weaker: the sandbox would start even when the kernel cannot enforce the policy',
      ],
      ['process.limits.nofile', 'locked', '1024 -> 2048'],
      ['process.run_as_user', 'locked', 'set to 1000'],
      ['syscalls.allow', 'locked', 'added "ptrace" (re-allowed, weaker)'],
    ]);
  });

  it('classifies network and inference changes as hot, per entry and field', () => {
    const next =
      policy(`filesystem_policy: { read_only: [/usr, /etc], read_write: [/tmp], no_execute: [/tmp] }
network_policies:
  github: { name: github, endpoints: [{ host: api.github.com, port: 8443 }], binaries: [{ path: /usr/bin/git }] }
  npm: { name: npm, endpoints: [{ host: registry.npmjs.org, port: 443 }] }
inference:
  providers:
    local: { kind: ollama, base_url: "http://127.0.0.1:11434" }
    cloud: { kind: openai-compatible, base_url: "https://integrate.api.nvidia.com/v1", api_key_env: NVIDIA_API_KEY }
  default_route: cloud
  redaction: none
`);
    const diff = diffPolicies(base, next);
    expect(diff.hasLockedChanges).toBe(false);
    expect(diff.hasHotChanges).toBe(true);
    expect(
      diff.changes.map((change) => [change.field, change.class, change.kind, change.explanation]),
    ).toEqual([
      [
        'network_policies.github.endpoints',
        'hot',
        'changed',
        'added {"host":"api.github.com","port":8443}; removed {"host":"api.github.com","port":443}',
      ],
      ['network_policies.npm', 'hot', 'added', 'network access added: registry.npmjs.org:443 (any binary)'],
      [
        'inference.providers.cloud',
        'hot',
        'added',
        'set to {"kind":"openai-compatible","base_url":"https://integrate.api.nvidia.com/v1","api_key_env":"NVIDIA_API_KEY","local":false}',
      ],
      [
        'inference.default_route',
        'hot',
        'changed',
        '"local" -> "cloud": unmatched model calls go to "cloud"',
      ],
      [
        'inference.redaction',
        'hot',
        'changed',
        '"reversible" -> "none": weaker: data sent to cloud providers is no longer redacted',
      ],
    ]);
  });

  it('reports a removed network entry and a removed inference section', () => {
    const next = policy(
      'filesystem_policy: { read_only: [/usr, /etc], read_write: [/tmp], no_execute: [/tmp] }\n',
    );
    const diff = diffPolicies(base, next);
    expect(diff.changes.map((change) => [change.field, change.class, change.kind])).toEqual([
      ['network_policies.github', 'hot', 'removed'],
      ['inference', 'hot', 'removed'],
    ]);
    expect(diff.changes[0]?.explanation).toBe('network access removed: api.github.com:443 (/usr/bin/git)');
  });

  it('notices a reordering of first-match rules', () => {
    const first = policy(
      'inference:\n  rules:\n    - { when: { entities: [EMAIL] }, route: block }\n    - { when: { entities: [PHONE] }, route: block }\n',
    );
    const second = policy(
      'inference:\n  rules:\n    - { when: { entities: [PHONE] }, route: block }\n    - { when: { entities: [EMAIL] }, route: block }\n',
    );
    const [change] = diffPolicies(first, second).changes;
    expect(change?.field).toBe('inference.rules');
    expect(change?.explanation).toBe('reordered (order matters: the first matching rule wins)');
  });
});
