// biome-ignore-all lint/suspicious/noTemplateCurlyInString: policies write ${VARIABLE} literally
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatDiagnostic, loadPolicyFile, type Policy, type PolicyResult, parsePolicy } from './index.js';
import { repositoryPoliciesDir, temporaryDirectory, testContext } from './test-support.js';

function errorsOf(result: PolicyResult<Policy>): string[] {
  if (result.ok)
    throw new Error(`expected the policy to be refused, it loaded: ${JSON.stringify(result.value)}`);
  return result.error.diagnostics.map(formatDiagnostic);
}

function loadedValue(result: PolicyResult<Policy>): Policy {
  if (!result.ok) throw new Error(`expected the policy to load:\n${result.error.message}`);
  return result.value;
}

const parse = (text: string) =>
  parsePolicy(text, { file: 'p.yaml', ...testContext, policiesDir: repositoryPoliciesDir });

const openShellExample = `version: 1
filesystem_policy:
  include_workdir: true
  read_only: [/usr, /lib, /proc, /dev/urandom, /app, /etc, /var/log, /sandbox/.openclaw]
  read_write: [/sandbox, /tmp, /dev/null, /sandbox/.openclaw-data]
landlock:
  compatibility: best_effort
process:
  run_as_user: sandbox
  run_as_group: sandbox
network_policies:
  nvidia:
    name: nvidia
    endpoints:
      - host: integrate.api.nvidia.com
        port: 443
        protocol: rest
        enforcement: enforce
        tls: terminate
        rules:
          - allow: { method: "*", path: "/**" }
    binaries:
      - { path: /usr/local/bin/openclaw }
  github:
    name: github
    endpoints:
      - { host: github.com, port: 443, access: full }
      - { host: api.github.com, port: 443, access: full }
    binaries:
      - { path: /usr/bin/gh }
      - { path: /usr/bin/git }
  telegram:
    name: telegram
    endpoints:
      - host: api.telegram.org
        port: 443
        protocol: rest
        tls: terminate
        rules:
          - allow: { method: GET, path: "/bot*/**" }
          - allow: { method: POST, path: "/bot*/**" }
`;

describe('shipped policies', () => {
  const files = [
    'default.yaml',
    'strict.yaml',
    ...readdirSync(join(repositoryPoliciesDir, 'presets')).map((name) => `presets/${name}`),
  ];
  it('ships the presets the issue asks for', () => {
    for (const name of [
      'npm',
      'pypi',
      'github',
      'nvidia',
      'openai',
      'anthropic',
      'ollama',
      'local-inference',
      'slack',
      'telegram',
    ])
      expect(files).toContain(`presets/${name}.yaml`);
  });
  it.each(files)('%s validates', (name) => {
    loadedValue(loadPolicyFile(join(repositoryPoliciesDir, name), testContext));
  });
  it('default.yaml is hard_requirement, denies the network, masks secrets and keeps /tmp non-executable', () => {
    const policy = loadedValue(loadPolicyFile(join(repositoryPoliciesDir, 'default.yaml'), testContext));
    expect(policy.landlock.compatibility).toBe('hard_requirement');
    expect(policy.network_policies).toEqual({});
    expect(policy.filesystem_policy.deny).toEqual(
      expect.arrayContaining([
        '/home/agent/.ssh',
        '/home/agent/.aws',
        '/home/agent/.gnupg',
        '/home/agent/.config/gh',
        '/home/agent/.bashrc',
      ]),
    );
    expect(policy.filesystem_policy.read_write).toContain('/tmp');
    expect(policy.filesystem_policy.no_execute).toEqual(['/tmp']);
    expect(policy.filesystem_policy.read_only).toEqual(
      expect.arrayContaining(['/usr', '/lib', '/bin', '/etc', '/proc']),
    );
  });
  it('a policy extending default and presets gets their network entries and keeps default filesystem rules', () => {
    const policy = loadedValue(parse('version: 1\nextends: [default, presets/npm, presets/github]\n'));
    expect(Object.keys(policy.network_policies).sort()).toEqual(['github', 'npm']);
    expect(policy.filesystem_policy.no_execute).toEqual(['/tmp']);
    expect(policy).not.toHaveProperty('extends');
    expect(policy).not.toHaveProperty('preset');
  });
});

describe('OpenShell compatibility', () => {
  it("loads OpenShell's example policy unchanged", () => {
    const policy = loadedValue(parse(openShellExample));
    expect(policy.landlock.compatibility).toBe('best_effort');
    expect(policy.process.run_as_user).toBe('sandbox');
    expect(policy.network_policies.nvidia?.endpoints[0]?.rules).toEqual([
      { allow: { method: '*', path: '/**' } },
    ]);
    expect(policy.network_policies.github?.binaries).toEqual([
      { path: '/usr/bin/gh' },
      { path: '/usr/bin/git' },
    ]);
    expect(policy.network_policies.telegram?.binaries).toBeUndefined();
    expect(policy.filesystem_policy.read_only).toContain('/sandbox/.openclaw');
  });
  it('loads an OpenShell preset file without a version', () => {
    const policy = loadedValue(
      parse(
        'preset: { name: x, description: y }\nnetwork_policies:\n  x: { name: x, endpoints: [{ host: a.example.com, port: 443 }] }\n',
      ),
    );
    expect(policy.version).toBe(1);
  });
  it('passes network_middlewares through unchanged', () => {
    const policy = loadedValue(
      parse('version: 1\nnetwork_middlewares:\n  m1: { kind: header, value: [1, 2] }\n'),
    );
    expect(policy.network_middlewares).toEqual({ m1: { kind: 'header', value: [1, 2] } });
  });
});

describe('defaults', () => {
  it('fills every locked domain with safe defaults', () => {
    const policy = loadedValue(parse('version: 1\n'));
    expect(policy.filesystem_policy).toEqual({
      include_workdir: true,
      read_only: [],
      read_write: [],
      deny: [],
      no_execute: [],
      private_tmp: true,
    });
    expect(policy.landlock.compatibility).toBe('hard_requirement');
    expect(policy.process.limits).toEqual({ nofile: 1024, nproc: 512, wall_seconds: 0 });
    expect(policy.process.env.allow).toContain('PATH');
    expect(policy.syscalls).toEqual({ profile: 'default', allow: [], deny: [], allow_unix_sockets: false });
    expect(policy.network_policies).toEqual({});
    expect(policy.inference).toBeUndefined();
  });
  it('marks loopback providers local and others not, unless told', () => {
    const policy = loadedValue(
      parse(`version: 1
inference:
  providers:
    a: { kind: nemotron, base_url: "http://127.0.0.1:8000/v1" }
    b: { kind: ollama, base_url: "http://localhost:11434" }
    c: { kind: openai-compatible, base_url: "https://integrate.api.nvidia.com/v1" }
    d: { kind: openai-compatible, base_url: "https://gpu-box.internal/v1", local: true }
    e: { kind: ollama, base_url: "http://[::1]:11434" }
  default_route: a
`),
    );
    const providers = policy.inference?.providers ?? {};
    expect(
      Object.fromEntries(Object.entries(providers).map(([id, provider]) => [id, provider.local])),
    ).toEqual({
      a: true,
      b: true,
      c: false,
      d: true,
      e: true,
    });
    expect(policy.inference?.redaction).toBe('reversible');
    expect(policy.inference?.on_local_unavailable).toBe('block');
  });
});

describe('error reporting: exact file:line:col and message', () => {
  const cases: [string, string, string[]][] = [
    [
      'a syntax error',
      'version: 1\nfilesystem_policy:\n  read_only: [/usr\n',
      [
        'p.yaml:4:1: filesystem_policy.read_only[0]: Flow sequence in block collection must be sufficiently indented and end with a ]',
      ],
    ],
    [
      'a duplicate key',
      'version: 1\nlandlock: {}\nlandlock: {}\n',
      ['p.yaml:3:1: landlock: Map keys must be unique'],
    ],
    [
      'an unknown key with a suggestion',
      'version: 1\nfilesystem_policy:\n  read_onyl: [/usr]\n',
      [
        'p.yaml:3:3: filesystem_policy.read_onyl: unknown key "read_onyl" (did you mean "read_only"?); expected one of: include_workdir, read_only, read_write, deny, no_execute, private_tmp',
      ],
    ],
    [
      'an unknown top-level key',
      'version: 1\nnetwork_policy: {}\n',
      [
        'p.yaml:2:1: network_policy: unknown key "network_policy" (did you mean "network_policies"?); expected one of: version, extends, preset, filesystem_policy, landlock, process, syscalls, network_policies, network_middlewares, inference',
      ],
    ],
    [
      'a wrong type',
      'version: 1\nfilesystem_policy:\n  read_only: /usr\n',
      ['p.yaml:3:14: filesystem_policy.read_only: expected a list, got the string "/usr"'],
    ],
    [
      'a relative path',
      'version: 1\nfilesystem_policy:\n  read_only: [usr/lib]\n',
      [
        'p.yaml:3:15: filesystem_policy.read_only[0]: path "usr/lib" must be absolute (start with "/", "~/" or a ${VARIABLE})',
      ],
    ],
    [
      'a ".." path',
      'version: 1\nfilesystem_policy:\n  read_write:\n    - /tmp/../etc\n',
      ['p.yaml:4:7: filesystem_policy.read_write[0]: path "/tmp/../etc" must not contain ".."'],
    ],
    [
      '"/" read-write',
      'version: 1\nfilesystem_policy:\n  read_write: [/tmp, /]\n',
      [
        'p.yaml:3:22: filesystem_policy.read_write[1]: "/" cannot be read-write: it would give the sandbox the whole filesystem',
      ],
    ],
    [
      'no_execute outside the granted paths',
      'version: 1\nfilesystem_policy:\n  read_write: [/tmp]\n  no_execute: [/tmp/x]\n',
      [
        'p.yaml:4:16: filesystem_policy.no_execute[0]: "/tmp/x" must also be listed in read_only or read_write (Landlock cannot remove execute from a sub-path)',
      ],
    ],
    [
      'duplicate network policy names',
      'version: 1\nnetwork_policies:\n  a: { name: web, endpoints: [{ host: a.example.com, port: 443 }] }\n  b: { name: web, endpoints: [{ host: b.example.com, port: 443 }] }\n',
      ['p.yaml:4:14: network_policies.b.name: duplicate network policy name "web" (also used by "a")'],
    ],
    [
      'an unknown syscall',
      'version: 1\nsyscalls:\n  allow: [ptrace, ptrac]\n',
      [
        'p.yaml:3:19: syscalls.allow[1]: unknown syscall "ptrac" (not in the x86_64 or aarch64 tables) (did you mean "ptrace"?)',
      ],
    ],
    [
      'an invalid host pattern',
      'version: 1\nnetwork_policies:\n  a:\n    name: a\n    endpoints:\n      - { host: "api.*.github.com", port: 443 }\n',
      [
        'p.yaml:6:17: network_policies.a.endpoints[0].host: host "api.*.github.com" has a wildcard outside the first label; only "*." as the whole first label is allowed',
      ],
    ],
    [
      'a too broad wildcard',
      'version: 1\nnetwork_policies:\n  a:\n    name: a\n    endpoints:\n      - { host: "*.com", port: 443 }\n',
      [
        'p.yaml:6:17: network_policies.a.endpoints[0].host: wildcard host "*.com" must have at least two labels after "*."',
      ],
    ],
    [
      'an invalid port',
      'version: 1\nnetwork_policies:\n  a:\n    name: a\n    endpoints:\n      - host: a.example.com\n        port: 70000\n',
      ['p.yaml:7:15: network_policies.a.endpoints[0].port: port must be between 1 and 65535'],
    ],
    [
      'a missing port',
      'version: 1\nnetwork_policies:\n  a:\n    name: a\n    endpoints:\n      - host: a.example.com\n',
      ['p.yaml:6:15: network_policies.a.endpoints[0].host: endpoint needs "port" or "ports"'],
    ],
    [
      'an invalid allowed_ips entry',
      'version: 1\nnetwork_policies:\n  a:\n    name: a\n    endpoints:\n      - { host: a.example.com, port: 443, allowed_ips: [10.0.0.0/33] }\n',
      [
        'p.yaml:6:57: network_policies.a.endpoints[0].allowed_ips[0]: "10.0.0.0/33" has an invalid prefix length (0-32 for IPv4)',
      ],
    ],
    [
      'root as the user',
      'version: 1\nprocess:\n  run_as_user: 0\n',
      ['p.yaml:3:16: process.run_as_user: root is refused; use "sandbox" or an id 1..4294967294'],
    ],
    [
      'a missing version',
      'landlock: {}\n',
      ['p.yaml:1:1: version: required key "version" is missing (write "version: 1")'],
    ],
    ['a wrong version', 'version: 2\n', ['p.yaml:1:10: version: version must be 1']],
    ['an empty file', '', ['p.yaml:1:1: <root>: the policy is empty; it needs at least "version: 1"']],
    [
      'a route to an undefined provider',
      'version: 1\ninference:\n  providers:\n    local: { kind: ollama, base_url: "http://127.0.0.1:11434" }\n  default_route: lokal\n',
      [
        'p.yaml:5:18: inference.default_route: route "lokal" is not a provider in inference.providers (defined: local) or "block" (did you mean "local"?)',
      ],
    ],
    [
      'an unknown entity type',
      'version: 1\ninference:\n  rules:\n    - { when: { entities: [SSN] }, route: block }\n',
      [
        'p.yaml:4:28: inference.rules[0].when.entities[0]: must be one of "CREDIT_CARD", "IBAN", "US_SSN", "PHONE", "EMAIL", "IP_ADDRESS", "CRYPTO", "DATE_OF_BIRTH", "PERSON", "LOCATION", "ORGANIZATION", "SECRET", "TERM", "URL", "US_DRIVER_LICENSE", "US_PASSPORT", "MAC_ADDRESS", got the string "SSN"',
      ],
    ],
    [
      'an unknown variable',
      'version: 1\nfilesystem_policy:\n  deny: ["${HOME_DIR}/.ssh"]\n',
      [
        'p.yaml:3:10: filesystem_policy.deny[0]: unknown variable ${HOME_DIR} (known: HOME, USER, WORKDIR, POLICY_DIR, XDG_CONFIG_HOME, XDG_CACHE_HOME, XDG_DATA_HOME)',
      ],
    ],
    [
      'an unknown extends name',
      'version: 1\nextends: [presets/npn]\n',
      [`p.yaml:2:11: extends[0]: cannot read ${repositoryPoliciesDir}/presets/npn.yaml: no such file`],
    ],
  ];
  it.each(cases)('%s', (_name, text, expected) => {
    expect(errorsOf(parse(text))).toEqual(expected);
  });

  it('reports several problems at once, each at its own place', () => {
    const errors = errorsOf(
      parse(
        'version: 1\nfilesystem_policy:\n  read_only: [rel]\n  read_writ: []\nsyscalls:\n  deny: [nosuchcall]\n',
      ),
    );
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/^p\.yaml:3:15: /);
    expect(errors[1]).toMatch(/^p\.yaml:4:3: filesystem_policy\.read_writ: unknown key/);
    expect(errors[2]).toMatch(/^p\.yaml:6:10: syscalls\.deny\[0\]: unknown syscall "nosuchcall"/);
  });

  it('the error is a PolicyLoadError with a code and never a stack trace in its message', () => {
    const result = parse('version: 1\nfilesystem_policy: {read_only: [x]}\n');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('INVALID_VALUE');
    expect(result.error.name).toBe('PolicyLoadError');
    expect(result.error.message).not.toMatch(/\n\s+at /);
  });
});

describe('variables', () => {
  it('expands ~ and the closed list of variables in path fields', () => {
    const policy = loadedValue(
      parse(`version: 1
filesystem_policy:
  read_only: ["\${WORKDIR}/vendor", "\${XDG_CONFIG_HOME}/tool"]
  read_write: ["\${HOME}/cache-\${USER}"]
  deny: ["~", ~/.ssh, "\${XDG_DATA_HOME}/keyrings", "\${XDG_CACHE_HOME}/x"]
`),
    );
    expect(policy.filesystem_policy.read_only).toEqual(['/work/project/vendor', '/home/agent/.config/tool']);
    expect(policy.filesystem_policy.read_write).toEqual(['/home/agent/cache-agent']);
    expect(policy.filesystem_policy.deny).toEqual([
      '/home/agent',
      '/home/agent/.ssh',
      '/home/agent/.local/share/keyrings',
      '/home/agent/.cache/x',
    ]);
  });
  it('does not expand outside path fields', () => {
    const policy = loadedValue(parse('version: 1\nprocess:\n  env:\n    set: { GREETING: "${HOME}" }\n'));
    expect(policy.process.env.set.GREETING).toBe('${HOME}');
  });
  it.each([
    ['"$HOME/x"', 'write ${HOME} instead of $HOME'],
    ['"${HOME"', 'unclosed "${"'],
    ['"~root/x"', '"~user" is not supported'],
    ['"/a/$"', 'a "$" must start a ${VARIABLE}'],
  ])('refuses %s', (path, message) => {
    const [error] = errorsOf(parse(`version: 1\nfilesystem_policy:\n  deny: [${path}]\n`));
    expect(error).toContain(message);
    expect(error).toMatch(/^p\.yaml:3:10: filesystem_policy\.deny\[0\]: /);
  });
  it('resolves term files relative to the policy file, and POLICY_DIR to its directory', () => {
    const policy = loadedValue(
      parsePolicy(
        'version: 1\ninference:\n  terms:\n    a: { file: customers.txt }\n    b: { file: "${POLICY_DIR}/b.txt" }\n',
        { file: '/srv/policies/p.yaml', ...testContext },
      ),
    );
    expect(policy.inference?.terms).toEqual({
      a: { file: '/srv/policies/customers.txt' },
      b: { file: '/srv/policies/b.txt' },
    });
  });
});

describe('extends', () => {
  let directory: { path: string; remove: () => void };
  beforeEach(() => {
    directory = temporaryDirectory();
  });
  afterEach(() => directory.remove());
  const write = (name: string, text: string) => {
    const path = join(directory.path, name);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, text);
    return path;
  };
  const load = (path: string) => loadPolicyFile(path, { ...testContext, policiesDir: directory.path });

  it('merges: lists are unions, scalars and network entries are overridden by the child, rules prepend', () => {
    write(
      'base.yaml',
      `version: 1
filesystem_policy: { read_only: [/usr, /etc], private_tmp: true }
landlock: { compatibility: best_effort }
process: { env: { allow: [PATH], set: { A: "1", B: "1" } } }
network_policies:
  web: { name: web, endpoints: [{ host: a.example.com, port: 443 }] }
  old: { name: old, endpoints: [{ host: old.example.com, port: 443 }] }
inference:
  providers: { local: { kind: ollama, base_url: "http://127.0.0.1:11434", model: small } }
  default_route: local
  rules: [{ when: { entities: [EMAIL] }, route: local }]
`,
    );
    const child = write(
      'child.yaml',
      `version: 1
extends: base
filesystem_policy: { read_only: [/etc, /opt] }
landlock: { compatibility: hard_requirement }
process: { env: { allow: [HOME], set: { B: "2" } } }
network_policies:
  web: { name: web, endpoints: [{ host: b.example.com, port: 8443 }] }
inference:
  providers: { local: { kind: ollama, base_url: "http://127.0.0.1:11435" } }
  rules: [{ when: { entities: [SECRET] }, route: block }]
`,
    );
    const policy = loadedValue(load(child));
    expect(policy.filesystem_policy.read_only).toEqual(['/usr', '/etc', '/opt']);
    expect(policy.filesystem_policy.private_tmp).toBe(true);
    expect(policy.landlock.compatibility).toBe('hard_requirement');
    expect(policy.process.env).toEqual({ allow: ['PATH', 'HOME'], set: { A: '1', B: '2' } });
    expect(policy.network_policies.web?.endpoints).toEqual([{ host: 'b.example.com', port: 8443 }]);
    expect(policy.network_policies.old?.name).toBe('old');
    expect(policy.inference?.providers.local).toEqual({
      kind: 'ollama',
      base_url: 'http://127.0.0.1:11435',
      local: true,
    });
    expect(policy.inference?.rules.map((rule) => rule.route)).toEqual(['block', 'local']);
    expect(policy.inference?.default_route).toBe('local');
  });

  it('later parents override earlier ones; relative paths resolve from the extending file', () => {
    write('one.yaml', 'version: 1\nlandlock: { compatibility: best_effort }\n');
    write('sub/two.yaml', 'version: 1\nlandlock: { compatibility: hard_requirement }\n');
    const child = write('child.yaml', 'version: 1\nextends: [./one.yaml, sub/two]\n');
    expect(loadedValue(load(child)).landlock.compatibility).toBe('hard_requirement');
  });

  it('reports problems in a parent at the parent file position', () => {
    const base = write('base.yaml', 'version: 1\nfilesystem_policy:\n  read_only: [relative]\n');
    const child = write('child.yaml', 'version: 1\nextends: base\n');
    expect(errorsOf(load(child))).toEqual([
      `${base}:3:15: filesystem_policy.read_only[0]: path "relative" must be absolute (start with "/", "~/" or a \${VARIABLE})`,
    ]);
  });

  it('detects a cycle and names it at the extends entry', () => {
    const a = write('a.yaml', 'version: 1\nextends: [b]\n');
    const b = write('b.yaml', 'version: 1\nextends: [c]\n');
    const c = write('c.yaml', 'version: 1\nextends:\n  - a\n');
    expect(errorsOf(load(a))).toEqual([`${c}:3:5: extends[0]: extends cycle: ${a} -> ${b} -> ${c} -> ${a}`]);
  });

  it('detects a file extending itself', () => {
    const self = write('self.yaml', 'version: 1\nextends: ./self.yaml\n');
    expect(errorsOf(load(self))).toEqual([`${self}:2:10: extends: extends cycle: ${self} -> ${self}`]);
  });

  it('accepts a diamond (the same parent twice) without calling it a cycle', () => {
    write('root.yaml', 'version: 1\nfilesystem_policy: { read_only: [/usr] }\n');
    write('left.yaml', 'version: 1\nextends: root\n');
    write('right.yaml', 'version: 1\nextends: root\n');
    const child = write('child.yaml', 'version: 1\nextends: [left, right]\n');
    expect(loadedValue(load(child)).filesystem_policy.read_only).toEqual(['/usr']);
  });

  it('refuses a name that tries to leave the policies directory', () => {
    const child = write('child.yaml', 'version: 1\nextends: [presets/../../etc/passwd]\n');
    expect(errorsOf(load(child))).toEqual([
      `${child}:2:11: extends[0]: extends "presets/../../etc/passwd": a name may only contain letters, digits, "_", "-" and "/"`,
    ]);
  });

  it('does not inherit a parent preset header', () => {
    write('p.yaml', 'preset: { name: p }\nnetwork_policies: {}\n');
    const child = write('child.yaml', 'version: 1\nextends: p\n');
    expect(loadedValue(load(child))).not.toHaveProperty('preset');
  });
});

describe('reading files safely', () => {
  let directory: { path: string; remove: () => void };
  beforeEach(() => {
    directory = temporaryDirectory();
  });
  afterEach(() => directory.remove());

  it('reports a missing file', () => {
    const path = join(directory.path, 'missing.yaml');
    expect(errorsOf(loadPolicyFile(path, testContext))).toEqual([
      `${path}:1:1: <root>: cannot read ${path}: no such file`,
    ]);
  });
  it('refuses a directory and a device instead of hanging on it', () => {
    expect(errorsOf(loadPolicyFile(directory.path, testContext))[0]).toContain('is not a regular file');
    expect(errorsOf(loadPolicyFile('/dev/zero', testContext))[0]).toContain(
      '/dev/zero is not a regular file',
    );
  });
  it('refuses a symlink to a device', () => {
    const link = join(directory.path, 'link.yaml');
    symlinkSync('/dev/zero', link);
    expect(errorsOf(loadPolicyFile(link, testContext))[0]).toContain('is not a regular file');
  });
  it('refuses a file larger than 1 MiB', () => {
    const path = join(directory.path, 'big.yaml');
    writeFileSync(path, `version: 1\n# ${'x'.repeat(1024 * 1024)}\n`);
    expect(errorsOf(loadPolicyFile(path, testContext))[0]).toContain('is larger than 1048576 bytes');
  });
  it('refuses a "billion laughs" alias bomb', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let level = 1; level < 9; level += 1) {
      const previous = String.fromCharCode(96 + level);
      const name = String.fromCharCode(97 + level);
      levels.push(`${name}: &${name} [${Array.from({ length: 10 }, () => `*${previous}`).join(',')}]`);
    }
    const errors = errorsOf(
      parse(`version: 1\nnetwork_middlewares:\n${levels.map((line) => `  ${line}`).join('\n')}\n`),
    );
    expect(errors[0]).toContain('policy expands to more than 100000 values (aliases)');
  });
  it('refuses deep nesting without overflowing the stack', () => {
    const errors = errorsOf(
      parse(`version: 1\nnetwork_middlewares:\n  m: ${'['.repeat(200)}${']'.repeat(200)}\n`),
    );
    expect(errors[0]).toContain('nested deeper than 64 levels');
  });
  it('keeps a __proto__ key as data (no prototype pollution) and refuses it as unknown', () => {
    const errors = errorsOf(parse('version: 1\n__proto__: { polluted: true }\n'));
    expect(errors[0]).toContain('unknown key "__proto__"');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
  it('loads a real file relative to the working directory', () => {
    writeFileSync(join(directory.path, 'ok.yaml'), readFileSync(join(repositoryPoliciesDir, 'default.yaml')));
    loadedValue(loadPolicyFile('ok.yaml', { ...testContext, workdir: directory.path }));
  });
});

describe('YAML pitfalls', () => {
  it('explains that a bare ~ is null', () => {
    expect(errorsOf(parse('version: 1\nfilesystem_policy:\n  deny: [~]\n'))).toEqual([
      'p.yaml:3:10: filesystem_policy.deny[0]: expected a string, got null (an empty value) (in YAML a bare ~ is null: write "~" for the home directory)',
    ]);
  });
  it('refuses a port written as a string', () => {
    expect(
      errorsOf(
        parse(
          'version: 1\nnetwork_policies:\n  a: { name: a, endpoints: [{ host: a.example.com, port: "443" }] }\n',
        ),
      ),
    ).toEqual(['p.yaml:3:58: network_policies.a.endpoints[0].port: expected a number, got the string "443"']);
  });
});

describe('inference provider apis', () => {
  it('accepts the APIs a provider serves natively and locates an unknown one', () => {
    const good = parse(`version: 1
inference:
  providers:
    vllm: { kind: nemotron, base_url: "http://127.0.0.1:8000/v1", apis: [openai-chat, openai-responses] }
  default_route: vllm
`);
    expect(good.ok && good.value.inference?.providers.vllm?.apis).toEqual([
      'openai-chat',
      'openai-responses',
    ]);
    const errors = errorsOf(
      parse(`version: 1
inference:
  providers:
    vllm: { kind: nemotron, base_url: "http://127.0.0.1:8000/v1", apis: [anthropic] }
  default_route: vllm
`),
    );
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^p\.yaml:4:\d+: inference\.providers\.vllm\.apis\[0\]: /);
  });
});

describe('cross-field checks in the same round as other errors', () => {
  it('reports an undefined route, an undefined term list and a typo together', () => {
    const errors = errorsOf(
      parse(`version: 1
inference:
  providers:
    local: { kind: ollama, base_url: "http://127.0.0.1:11434", modle: x }
  default_route: cloud
  rules:
    - { when: { terms: [customers] }, route: local }
`),
    );
    expect(errors).toEqual([
      'p.yaml:4:64: inference.providers.local.modle: unknown key "modle" (did you mean "model"?); expected one of: kind, base_url, model, api_key_env, local, apis',
      'p.yaml:5:18: inference.default_route: route "cloud" is not a provider in inference.providers (defined: local) or "block"',
      'p.yaml:7:25: inference.rules[0].when.terms[0]: term list "customers" is not defined in inference.terms',
    ]);
  });
  it('reports duplicate names and no_execute problems next to type errors', () => {
    const errors = errorsOf(
      parse(`version: 1
filesystem_policy:
  include_workdir: "yes"
  read_write: [/tmp]
  no_execute: [/var/tmp]
network_policies:
  a: { name: n, endpoints: [{ host: a.example.com, port: 0 }] }
  b: { name: n, endpoints: [] }
`),
    );
    expect(errors).toEqual([
      'p.yaml:3:20: filesystem_policy.include_workdir: expected true or false, got the string "yes"',
      'p.yaml:5:16: filesystem_policy.no_execute[0]: "/var/tmp" must also be listed in read_only or read_write (Landlock cannot remove execute from a sub-path)',
      'p.yaml:7:58: network_policies.a.endpoints[0].port: port must be between 1 and 65535',
      'p.yaml:8:14: network_policies.b.name: duplicate network policy name "n" (also used by "a")',
    ]);
  });
});

describe('the parse cache', () => {
  it('never serves a stale parse when the file changes', () => {
    const directory = temporaryDirectory();
    try {
      const path = join(directory.path, 'p.yaml');
      writeFileSync(path, 'version: 1\nlandlock: { compatibility: best_effort }\n');
      expect(loadedValue(loadPolicyFile(path, testContext)).landlock.compatibility).toBe('best_effort');
      expect(loadedValue(loadPolicyFile(path, testContext)).landlock.compatibility).toBe('best_effort');
      writeFileSync(path, 'version: 1\nlandlock: { compatibility: hard_requirement }\n');
      expect(loadedValue(loadPolicyFile(path, testContext)).landlock.compatibility).toBe('hard_requirement');
      writeFileSync(path, 'version: 1\nlandlock: { compatibility: sometimes }\n');
      expect(errorsOf(loadPolicyFile(path, testContext))[0]).toContain('landlock.compatibility');
    } finally {
      directory.remove();
    }
  });
  it('keeps results independent of the variables of each load', () => {
    const text = 'version: 1\nfilesystem_policy: { deny: [~/.ssh] }\n';
    const first = loadedValue(parsePolicy(text, { file: 'same.yaml', ...testContext }));
    const second = loadedValue(parsePolicy(text, { file: 'same.yaml', ...testContext, home: '/home/other' }));
    expect(first.filesystem_policy.deny).toEqual(['/home/agent/.ssh']);
    expect(second.filesystem_policy.deny).toEqual(['/home/other/.ssh']);
  });
});
