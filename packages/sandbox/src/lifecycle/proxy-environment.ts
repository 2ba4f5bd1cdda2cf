import type { Policy } from '@nemoclaw/policy';

/** Where the launcher's bridge listens inside the sandbox by default. */
export const defaultBridgeListen = '127.0.0.1:3128';

/**
 * The environment that points every common client at the in-sandbox proxy address `listen`
 * (`host:port`). Names and who reads them:
 *
 * - `HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY` and lower-case spellings: curl (which ignores upper-case
 *   `HTTP_PROXY`), git (through libcurl), Python `requests`/`urllib`, Go, Rust `reqwest`, wget.
 * - `npm_config_proxy`, `npm_config_https_proxy`: npm and Yarn 1 (both read npm's config from the environment).
 * - `YARN_HTTP_PROXY`, `YARN_HTTPS_PROXY`: Yarn 2+ (`httpProxy`, `httpsProxy` settings).
 * - `PIP_PROXY`: pip's `--proxy`.
 * - `NODE_USE_ENV_PROXY=1`: Node.js 24+ `fetch` and `http` honour the variables above.
 * - `NO_PROXY`/`no_proxy` empty: nothing bypasses the proxy (inside the sandbox nothing else is
 *   reachable anyway: Landlock allows TCP connect to the bridge port only).
 */
export function proxyEnvironment(listen: string = defaultBridgeListen): Record<string, string> {
  const url = `http://${listen}`;
  return {
    HTTP_PROXY: url,
    HTTPS_PROXY: url,
    ALL_PROXY: url,
    NO_PROXY: '',
    http_proxy: url,
    https_proxy: url,
    all_proxy: url,
    no_proxy: '',
    npm_config_proxy: url,
    npm_config_https_proxy: url,
    YARN_HTTP_PROXY: url,
    YARN_HTTPS_PROXY: url,
    PIP_PROXY: url,
    NODE_USE_ENV_PROXY: '1',
  };
}

/**
 * A copy of `policy` whose `process.env.set` also carries {@link proxyEnvironment} (the proxy
 * variables win over the policy's own values: the bridge is the only way out).
 */
export function withProxyEnvironment(policy: Policy, listen: string = defaultBridgeListen): Policy {
  const processPolicy = policy.process ?? {};
  const env = processPolicy.env ?? {};
  return {
    ...policy,
    process: {
      ...processPolicy,
      env: { ...env, set: { ...(env.set ?? {}), ...proxyEnvironment(listen) } },
    },
  } as Policy;
}

/** True when the policy lets the sandbox reach anything (a non-empty `network_policies`). */
export function policyHasNetwork(policy: Policy): boolean {
  return Object.keys(policy.network_policies ?? {}).length > 0;
}

/**
 * The policy a sandbox is launched with: {@link withProxyEnvironment}, and the NemoClaw state root
 * `home` added to `filesystem_policy.deny`, so that nothing inside can see (let alone connect to)
 * its own control socket, audit log or approvals preset, whatever the policy grants. The launcher
 * opens the bridge socket's directory before it masks anything, so the bridge still works.
 */
export function sandboxLaunchPolicy(
  policy: Policy,
  home: string,
  listen: string = defaultBridgeListen,
): Policy {
  const withProxy = withProxyEnvironment(policy, listen);
  const filesystem = withProxy.filesystem_policy ?? {};
  const deny = [...(filesystem.deny ?? [])];
  if (!deny.includes(home)) deny.push(home);
  return { ...withProxy, filesystem_policy: { ...filesystem, deny } } as Policy;
}
