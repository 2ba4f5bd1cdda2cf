import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { AuditLog, buildDetectionFinding, buildProcessTerminateEvent, SeverityId } from '@nemoclaw/audit';
import { buildPlan, landlockAbiRequiredBy, locateLauncher, type ProbeReport, probe } from '@nemoclaw/native';
import { loadPolicyFile, type Policy, shippedPoliciesDir } from '@nemoclaw/policy';
import { defaultBridgeListen } from '../lifecycle/proxy-environment.js';
import { egressDecisionToAuditEvent } from '../proxy/decision-audit-event.js';
import { createEgressProxy } from '../proxy/egress-proxy.js';
import type { EgressDecision, EgressProxy } from '../proxy/egress-proxy-types.js';
import { SandboxError } from '../sandbox-error.js';
import type { PluginConfig } from './plugin-config.js';

/** Which operations a policy applies to (see `toolPolicies` in the plugin config). */
export type PolicyScope = 'exec' | 'read' | 'write';

/** The sandbox can be applied: everything a launch needs, checked. */
export interface ReadyState {
  readonly ok: true;
  readonly policyPath: string;
  readonly policies: Readonly<Record<PolicyScope, Policy>>;
  readonly launcherPath: string;
  readonly probe: ProbeReport;
}

/** The sandbox cannot be applied, and why (tools are then blocked: fail closed). */
export interface UnavailableState {
  readonly ok: false;
  readonly reason: string;
}

/** Outcome of {@link PluginRuntime.readiness}. */
export type Readiness = ReadyState | UnavailableState;

/** One refused action, kept in memory for `/nemoclaw denials` and written to the audit log. */
export interface DenialRecord {
  readonly time: number;
  /** `egress`, `tool`, `file` or `install`. */
  readonly kind: string;
  readonly detail: string;
}

/** Options of {@link PluginRuntime}. */
export interface PluginRuntimeOptions {
  readonly config: PluginConfig;
  /** Resolves user paths in the config (OpenClaw's `api.resolvePath`). */
  readonly resolvePath?: (path: string) => string;
  /** Where the audit log and the proxy socket live (default `$OPENCLAW_STATE_DIR/nemoclaw`, else `~/.openclaw/nemoclaw`). */
  readonly stateDir?: string;
  /** Environment for the launcher lookup and `process.env.allow` (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The home directory `~` expands to in policies (default `os.homedir()`). */
  readonly home?: string;
  /**
   * When set, the sandbox is never ready and this is why (e.g. an invalid plugin config): every
   * guarded tool is blocked and no sandbox is created, while denials are still recorded and audited.
   */
  readonly unavailableReason?: string;
}

/** Where the in-sandbox bridge listens: the command's HTTP(S)_PROXY. */
export const bridgeListen = defaultBridgeListen;

const maximumDenials = 100;

/**
 * The plugin's shared state for one OpenClaw process: the checked policy and launcher, the egress
 * proxy (one Unix socket, reached from every sandbox through the launcher's bridge), the audit
 * log and the recent denials. Everything starts lazily and at most once.
 */
export class PluginRuntime {
  readonly config: PluginConfig;
  readonly stateDir: string;
  readonly home: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly #resolvePath: (path: string) => string;
  readonly #unavailableReason: string | undefined;
  #readiness: Promise<Readiness> | null = null;
  #egress: Promise<EgressProxy> | null = null;
  #audit: Promise<AuditLog | null> | null = null;
  readonly #denials: DenialRecord[] = [];
  #closed = false;

  constructor(options: PluginRuntimeOptions) {
    this.config = options.config;
    this.env = options.env ?? process.env;
    this.home = options.home ?? this.env.HOME ?? homedir();
    this.stateDir =
      options.stateDir ?? join(this.env.OPENCLAW_STATE_DIR ?? join(this.home, '.openclaw'), 'nemoclaw');
    this.#resolvePath = options.resolvePath ?? ((path) => resolve(path));
    this.#unavailableReason = options.unavailableReason;
  }

  /** The policy file in force: the configured one, or the shipped default. */
  get policyPath(): string {
    return this.config.policy === undefined
      ? join(shippedPoliciesDir(), 'default.yaml')
      : this.#resolvePath(this.config.policy);
  }

  /** The audit log file. */
  get auditLogPath(): string {
    const directory =
      this.config.auditDir === undefined
        ? join(this.stateDir, 'audit')
        : this.#resolvePath(this.config.auditDir);
    return join(directory, 'audit.jsonl');
  }

  /** The egress proxy's Unix socket. */
  get proxySocketPath(): string {
    return join(this.stateDir, 'run', `p${process.pid}.sock`);
  }

  /**
   * Checks, once, that the sandbox can be applied: the policies load and validate, the launcher
   * exists, and its probe shows what the policy needs (namespaces, Landlock ABI, seccomp).
   */
  readiness(): Promise<Readiness> {
    this.#readiness ??= this.#check().catch(
      (error: unknown): Readiness => ({
        ok: false,
        reason: error instanceof Error ? error.message : String(error),
      }),
    );
    return this.#readiness;
  }

  /** Forgets the cached readiness (after a policy change). */
  recheck(): Promise<Readiness> {
    this.#readiness = null;
    return this.readiness();
  }

  async #check(): Promise<Readiness> {
    if (this.#unavailableReason !== undefined) return { ok: false, reason: this.#unavailableReason };
    const policyPath = this.policyPath;
    const base = this.#loadPolicy(policyPath, 'policy');
    const overrides = this.config.toolPolicies ?? {};
    const policies: Record<PolicyScope, Policy> = {
      exec:
        overrides.exec === undefined
          ? base
          : this.#loadPolicy(this.#resolvePath(overrides.exec), 'toolPolicies.exec'),
      read:
        overrides.read === undefined
          ? base
          : this.#loadPolicy(this.#resolvePath(overrides.read), 'toolPolicies.read'),
      write:
        overrides.write === undefined
          ? base
          : this.#loadPolicy(this.#resolvePath(overrides.write), 'toolPolicies.write'),
    };
    const launcherEnv =
      this.config.launcherPath === undefined
        ? this.env
        : { ...this.env, NEMOCLAW_SANDBOX_EXEC: this.#resolvePath(this.config.launcherPath) };
    const launcherPath = locateLauncher({ env: launcherEnv });
    const report = await probe({ launcherPath, env: launcherEnv });
    const missing: string[] = [];
    if (!report.userNamespaces)
      missing.push(`user namespaces (${report.userNamespacesReason ?? 'unavailable'})`);
    if (!report.netNamespaces)
      missing.push(`network namespaces (${report.netNamespacesReason ?? 'unavailable'})`);
    if (!report.seccompFilter) missing.push('seccomp filters');
    if (!report.noNewPrivs) missing.push('no_new_privs');
    for (const [scope, policy] of Object.entries(policies)) {
      if ((policy.landlock?.compatibility ?? 'hard_requirement') !== 'hard_requirement') continue;
      const { plan } = buildPlan(policy, {
        command: ['/bin/true'],
        // Only the Landlock needs are computed here: a placeholder workdir, no disk lookups.
        workdir: '/nemoclaw-probe/workdir',
        home: this.home,
        env: {},
        inspectPath: () => 'directory',
        bridge: { listen: bridgeListen, unix_socket: this.proxySocketPath },
      });
      const needed = landlockAbiRequiredBy(plan);
      if (report.landlockAbi < needed) {
        missing.push(`Landlock ABI ${needed} for the ${scope} policy (the kernel has ${report.landlockAbi})`);
      }
    }
    if (missing.length > 0) {
      return { ok: false, reason: `this kernel cannot enforce the policy: missing ${missing.join(', ')}` };
    }
    return { ok: true, policyPath, policies, launcherPath, probe: report };
  }

  #loadPolicy(path: string, what: string): Policy {
    const loaded = loadPolicyFile(path);
    if (!loaded.ok) {
      throw new SandboxError('plugin-policy-invalid', `${what} ${path} is invalid: ${loaded.error.message}`, {
        cause: loaded.error,
      });
    }
    return loaded.value;
  }

  /**
   * Starts the egress proxy once (enforcing the base policy's `network_policies`; empty = deny
   * everything) on the Unix socket the launcher's bridge connects to. Every decision is audited.
   */
  egress(): Promise<EgressProxy> {
    if (this.#closed)
      return Promise.reject(new SandboxError('plugin-closed', 'the NemoClaw plugin runtime is closed'));
    this.#egress ??= (async () => {
      const ready = await this.readiness();
      if (!ready.ok) throw new SandboxError('plugin-sandbox-unavailable', ready.reason);
      mkdirSync(join(this.stateDir, 'run'), { recursive: true, mode: 0o700 });
      removeStaleSockets(join(this.stateDir, 'run'));
      return createEgressProxy({
        policies: ready.policies.exec.network_policies ?? {},
        listen: { unixSocket: this.proxySocketPath },
        onDecision: (decision) => this.#onEgressDecision(decision),
      });
    })();
    this.#egress.catch(() => {
      this.#egress = null;
    });
    return this.#egress;
  }

  #onEgressDecision(decision: EgressDecision): void {
    if (!decision.allowed) {
      this.recordDenial(
        'egress',
        `${decision.kind} ${decision.host}:${decision.port} refused: ${decision.reason ?? 'denied'}`,
      );
    }
    void this.audit(egressDecisionToAuditEvent(decision, { sandbox: 'openclaw' }));
  }

  /** Appends one OCSF event to the audit log (best effort: an audit failure is logged, never thrown). */
  async audit(event: object): Promise<void> {
    this.#audit ??= (async () => {
      try {
        return await AuditLog.open(this.auditLogPath, { fsync: 'interval' });
      } catch {
        return null;
      }
    })();
    const log = await this.#audit;
    await log?.append(event).catch(() => undefined);
  }

  /**
   * Remembers a denial and writes it to the audit log as a Detection Finding. Resolves once the
   * line is written (callers await it so a short-lived `openclaw agent --local` loses nothing).
   */
  async recordDenial(kind: string, detail: string, auditEvent = kind !== 'egress'): Promise<void> {
    this.#denials.push({ time: Date.now(), kind, detail });
    if (this.#denials.length > maximumDenials) this.#denials.shift();
    if (auditEvent) {
      await this.audit(
        buildDetectionFinding({
          sandbox: 'openclaw',
          title: `NemoClaw refused a ${kind} action`,
          description: detail,
          types: ['sandbox-violation'],
          severityId: SeverityId.Medium,
          rule: { name: `nemoclaw:${kind}` },
          blocked: true,
        }),
      );
    }
  }

  /** Records how a sandboxed command ended (after every earlier event of this process is written). */
  async recordExit(
    argv: readonly string[],
    workingDirectory: string,
    exitCode: number | null,
  ): Promise<void> {
    await this.audit(
      buildProcessTerminateEvent({
        sandbox: 'openclaw',
        process: { executable: argv[0] ?? '/bin/sh', argv, workingDirectory },
        ...(exitCode === null ? { signal: 'SIGKILL' } : { exitCode }),
      }),
    );
  }

  /** The most recent denials, newest last. */
  recentDenials(limit = 20): readonly DenialRecord[] {
    return this.#denials.slice(-limit);
  }

  /** Whether the egress proxy has been started. */
  get egressRunning(): boolean {
    return this.#egress !== null;
  }

  /** Stops the proxy and closes the audit log (and forgets this runtime as the process's shared one). */
  async close(): Promise<void> {
    this.#closed = true;
    for (const [key, runtime] of sharedRuntimes()) if (runtime === this) sharedRuntimes().delete(key);
    const egress = this.#egress;
    this.#egress = null;
    await egress?.then((proxy) => proxy.close()).catch(() => undefined);
    const audit = this.#audit;
    this.#audit = null;
    await audit?.then((log) => log?.close()).catch(() => undefined);
  }
}

/** The process-wide table of {@link sharedPluginRuntime} (on `globalThis`: OpenClaw may evaluate the plugin module more than once). */
function sharedRuntimes(): Map<string, PluginRuntime> {
  const slot = Symbol.for('nemoclaw.openclaw.plugin-runtimes');
  const holder = globalThis as unknown as Record<symbol, Map<string, PluginRuntime> | undefined>;
  let table = holder[slot];
  if (table === undefined) {
    table = new Map();
    holder[slot] = table;
  }
  return table;
}

/**
 * The one {@link PluginRuntime} of this process for `key` (the plugin config and the environment it
 * resolves against), created on first use. OpenClaw runs `register` many times per process (a
 * `full` load at startup, then a `discovery` load for every agent run, whose hooks are the ones
 * invoked): they must share one audit log writer (a hash chain has one writer), one egress proxy
 * socket and one readiness check. A closed runtime is dropped, so the next registration gets a fresh one.
 */
export function sharedPluginRuntime(key: string, create: () => PluginRuntime): PluginRuntime {
  const table = sharedRuntimes();
  const existing = table.get(key);
  if (existing !== undefined) return existing;
  const created = create();
  table.set(key, created);
  return created;
}

/**
 * Removes `p<pid>.sock` proxy sockets left by processes that are gone (an `openclaw agent --local`
 * run exits without closing the proxy).
 */
function removeStaleSockets(directory: string): void {
  for (const name of readdirSync(directory)) {
    const match = /^p(\d+)\.sock$/.exec(name);
    if (match === null) continue;
    const pid = Number(match[1]);
    if (pid === process.pid) continue;
    try {
      process.kill(pid, 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') rmSync(join(directory, name), { force: true });
    }
  }
}
