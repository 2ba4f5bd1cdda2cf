import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { PlanBridge } from '@nemoclaw/native';
import type { Policy } from '@nemoclaw/policy';
import { createEgressProxy } from '../proxy/egress-proxy.js';
import type { EgressDecision } from '../proxy/egress-proxy-types.js';
import { defaultBridgeListen, sandboxLaunchPolicy } from './proxy-environment.js';

/** The network of a one-off sandbox (`nemoclaw run`): an in-process egress proxy and its bridge. */
export interface EphemeralNetwork {
  /** The policy with the proxy variables added to `process.env.set`. */
  readonly policy: Policy;
  /** The bridge to put in the launch plan. */
  readonly bridge: PlanBridge;
  /** Stops the proxy and removes the temporary state directory. */
  close(): Promise<void>;
}

/**
 * Starts an egress proxy in this process for a one-off sandbox, on a Unix socket in a fresh 0700
 * directory under `<home>/run/`, enforcing the policy's `network_policies`.
 */
export async function startEphemeralNetwork(
  policy: Policy,
  options: { readonly home: string; readonly onDecision?: (decision: EgressDecision) => void },
): Promise<EphemeralNetwork> {
  const runDirectory = join(options.home, 'run');
  mkdirSync(runDirectory, { recursive: true, mode: 0o700 });
  const directory = mkdtempSync(join(runDirectory, 'r-'));
  const unixSocket = join(directory, 'proxy.sock');
  try {
    const proxy = await createEgressProxy({
      policies: policy.network_policies ?? {},
      listen: { unixSocket },
      ...(options.onDecision === undefined ? {} : { onDecision: options.onDecision }),
    });
    return {
      policy: sandboxLaunchPolicy(policy, options.home, defaultBridgeListen),
      bridge: { listen: defaultBridgeListen, unix_socket: unixSocket },
      close: async () => {
        await proxy.close().catch(() => undefined);
        rmSync(directory, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
}
