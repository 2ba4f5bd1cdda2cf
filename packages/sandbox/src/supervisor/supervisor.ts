import { createHash } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  openSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import {
  AuditLog,
  buildPolicyChangeEvent,
  buildProcessLaunchEvent,
  buildProcessTerminateEvent,
  type NemoclawOcsfEvent,
} from '@nemoclaw/audit';
import {
  buildPlan,
  locateLauncher,
  resolveAbiOverride,
  type SandboxedProcess,
  SandboxSetupError,
  spawnWithPlan,
} from '@nemoclaw/native';
import { loadPolicyFile, type Policy, stringifyPolicy } from '@nemoclaw/policy';
import pino, { type Logger } from 'pino';
import { ApprovalQueue } from '../approvals/approval-queue.js';
import { approvalRule, approvalRuleKey, persistApprovalRule } from '../approvals/approval-rules.js';
import { identifyProcess, sandboxInitPid } from '../lifecycle/process-identity.js';
import { defaultBridgeListen, sandboxLaunchPolicy } from '../lifecycle/proxy-environment.js';
import { approvalPresetPath, type SandboxPaths, sandboxPaths } from '../lifecycle/sandbox-paths.js';
import { inspectSandbox } from '../lifecycle/sandbox-registry.js';
import { type SandboxState, writeJsonFile } from '../lifecycle/sandbox-state.js';
import { egressDecisionToAuditEvent } from '../proxy/decision-audit-event.js';
import { createEgressProxy } from '../proxy/egress-proxy.js';
import type { EgressProxy } from '../proxy/egress-proxy-types.js';
import { SandboxError } from '../sandbox-error.js';
import { type ControlRequest, controlRequestSchema, maximumControlLineBytes } from './control-protocol.js';
import { PolicyController } from './policy-controller.js';

/** What a supervisor is asked to run (sent by `createSandbox` on the supervisor's stdin). */
export interface SupervisorRequest {
  readonly name: string;
  /** The NemoClaw state root (see `nemoclawHome`). */
  readonly home: string;
  /** The policy file (absolute). */
  readonly policyFile: string;
  /** The sandbox workdir (absolute). */
  readonly workdir: string;
  readonly command: readonly string[];
  /** The launcher binary; default: `locateLauncher()`. */
  readonly launcherPath?: string;
  /** Grace period between SIGTERM and SIGKILL on stop (default 5000 ms). */
  readonly stopTimeoutMs?: number;
}

/** The one line a supervisor writes when the sandbox is up (or could not start). */
export type SupervisorReadyMessage =
  | {
      readonly ok: true;
      readonly name: string;
      readonly supervisorPid: number;
      readonly launcherPid: number;
      readonly initPid: number | null;
      readonly directory: string;
    }
  | { readonly ok: false; readonly error: { readonly code: string; readonly message: string } };

/**
 * Runs a sandbox supervisor in this process until the sandboxed command exits or a stop is asked
 * (control `stop`, SIGTERM, SIGINT, SIGHUP): claims the name with an O_EXCL lock, writes the
 * resolved policy, opens the audit log, starts the egress proxy on the sandbox's Unix socket and the
 * control socket, launches the command with the bridge and proxy environment, calls `ready` once,
 * and cleans up (sockets, lock) before resolving to the supervisor's exit code (0 when the sandbox
 * ran, 1 when it could not start).
 */
export async function runSupervisor(
  request: SupervisorRequest,
  ready: (message: SupervisorReadyMessage) => void,
): Promise<number> {
  let paths: SandboxPaths;
  try {
    paths = sandboxPaths(request.home, request.name);
    claim(paths);
  } catch (error) {
    ready({ ok: false, error: describe(error) });
    return 1;
  }
  const supervisor = new Supervisor(request, paths);
  try {
    await supervisor.start();
  } catch (error) {
    await supervisor.cleanup(null);
    ready({ ok: false, error: describe(error) });
    return 1;
  }
  ready(supervisor.readyMessage());
  return supervisor.finished;
}

function describe(error: unknown): { code: string; message: string } {
  if (error instanceof SandboxSetupError) return { code: 'sandbox-setup-failed', message: error.message };
  if (error instanceof SandboxError) return { code: error.code, message: error.message };
  const code =
    error !== null && typeof error === 'object' && 'code' in error && typeof error.code === 'string'
      ? error.code
      : 'sandbox-start-failed';
  return { code, message: error instanceof Error ? error.message : String(error) };
}

/** Creates the state directory and takes the O_EXCL lock, or explains who holds the name. */
function claim(paths: SandboxPaths): void {
  mkdirSync(paths.directory, { recursive: true, mode: 0o700 });
  chmodSync(paths.directory, 0o700);
  let fd: number;
  try {
    fd = openSync(paths.lockFile, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const home = paths.directory.slice(0, paths.directory.length - `/sandboxes/${paths.name}`.length);
    const summary = inspectSandbox(home, paths.name);
    if (summary?.status === 'dead') {
      throw new SandboxError(
        'sandbox-dead-exists',
        `a sandbox named ${paths.name} exists but its supervisor died; run \`nemoclaw sandbox stop ${paths.name}\` (keeps its logs) or \`nemoclaw sandbox destroy ${paths.name}\` first`,
      );
    }
    throw new SandboxError('sandbox-exists', `a sandbox named ${paths.name} is already running`);
  }
  const identity = identifyProcess(process.pid);
  writeSync(fd, JSON.stringify(identity));
  closeSync(fd);
}

class Supervisor {
  readonly finished: Promise<number>;
  private resolveFinished: (code: number) => void = () => undefined;
  private readonly logger: Logger;
  private readonly logFd: number;
  private controller: PolicyController | null = null;
  private proxy: EgressProxy | null = null;
  private audit: AuditLog | null = null;
  private control: Server | null = null;
  private sandbox: SandboxedProcess | null = null;
  private readonly approvals = new ApprovalQueue();
  private state: SandboxState;
  private stopping = false;
  private cleanedUp = false;
  private readonly bridgeListen = defaultBridgeListen;

  constructor(
    private readonly request: SupervisorRequest,
    private readonly paths: SandboxPaths,
  ) {
    this.finished = new Promise((resolve) => {
      this.resolveFinished = resolve;
    });
    this.logFd = openSync(paths.supervisorLog, 'a', 0o600);
    this.logger = pino(
      { base: { sandbox: request.name, pid: process.pid } },
      pino.destination({ fd: this.logFd, sync: true }),
    );
    const identity = identifyProcess(process.pid) ?? { pid: process.pid, startTime: 0 };
    this.state = {
      name: request.name,
      phase: 'starting',
      supervisor: identity,
      launcher: null,
      initPid: null,
      workdir: request.workdir,
      command: [...request.command],
      policySource: request.policyFile,
      bridge: this.bridgeListen,
      createdAt: new Date().toISOString(),
      exitedAt: null,
      exitCode: null,
    };
  }

  readyMessage(): SupervisorReadyMessage {
    return {
      ok: true,
      name: this.request.name,
      supervisorPid: process.pid,
      launcherPid: this.state.launcher?.pid ?? 0,
      initPid: this.state.initPid,
      directory: this.paths.directory,
    };
  }

  private get home(): string {
    return process.env.HOME?.startsWith('/') === true ? process.env.HOME : '/';
  }

  private record(event: NemoclawOcsfEvent): void {
    this.audit
      ?.append(event)
      .catch((error: unknown) => this.logger.error({ err: error }, 'audit append failed'));
  }

  async start(): Promise<void> {
    const { request, paths } = this;
    writeJsonFile(paths.stateFile, this.state);
    this.logger.info(
      { command: request.command, workdir: request.workdir, policy: request.policyFile },
      'starting',
    );
    const loadOptions = { workdir: request.workdir, home: this.home };
    const loaded = loadPolicyFile(request.policyFile, loadOptions);
    if (!loaded.ok)
      throw new SandboxError('sandbox-invalid-policy', loaded.error.message, { cause: loaded.error });
    const controller = new PolicyController(loaded.value, loadOptions);
    this.controller = controller;
    this.loadPersistedApprovals(controller, loadOptions);
    this.writePolicy(controller.policy);

    this.audit = await AuditLog.open(paths.auditLog, { fsync: 'interval' });
    this.record(
      buildPolicyChangeEvent({
        sandbox: request.name,
        kind: 'load',
        policy: { name: request.policyFile, sha256: policyHash(controller.policy) },
      }),
    );

    this.proxy = await createEgressProxy({
      policies: controller.effectiveNetwork(),
      listen: { unixSocket: paths.proxySocket },
      onDecision: (decision) => {
        this.record(egressDecisionToAuditEvent(decision, { sandbox: request.name }));
        const pending = this.approvals.record(decision);
        if (!decision.allowed) {
          this.logger.info(
            {
              host: decision.host,
              port: decision.port,
              binary: decision.binary,
              reason: decision.reason,
              approval: pending?.id,
            },
            'egress denied',
          );
        }
      },
    });
    controller.attach(this.proxy);
    this.control = await this.listenControl();

    const env = process.env;
    const { plan } = buildPlan(sandboxLaunchPolicy(controller.policy, request.home, this.bridgeListen), {
      command: request.command,
      workdir: request.workdir,
      home: this.home,
      env,
      hostname: request.name,
      bridge: { listen: this.bridgeListen, unix_socket: paths.proxySocket },
      abiOverride: resolveAbiOverride(undefined, env),
    });
    const launcherPath = request.launcherPath ?? locateLauncher({ env });
    const sandbox = spawnWithPlan(plan, { stdio: 'pipe', launcherPath });
    this.sandbox = sandbox;
    const output = createWriteStream('', { fd: openSync(paths.outputLog, 'a', 0o600) });
    sandbox.stdin?.end();
    sandbox.stdout?.pipe(output, { end: false });
    sandbox.stderr?.pipe(output, { end: false });
    const launcherPid = sandbox.pid ?? 0;
    const processInput = {
      pid: launcherPid,
      executable: request.command[0] ?? '-',
      argv: request.command,
      workingDirectory: request.workdir,
    };

    const early: { value: { code: number | null; signal: NodeJS.Signals | null } | Error | null } = {
      value: null,
    };
    const exited = sandbox.exited.then(
      (exit) => {
        early.value = exit;
        return exit;
      },
      (error: unknown) => {
        early.value = error instanceof Error ? error : new Error(String(error));
        throw error;
      },
    );
    exited.catch(() => undefined);
    // Up = the sandbox's PID 1 exists and no setup failure came within a short grace period.
    const deadline = Date.now() + 5000;
    let initPid: number | null = null;
    while (early.value === null && Date.now() < deadline) {
      initPid = sandboxInitPid(launcherPid);
      if (initPid !== null) break;
      await delay(10);
    }
    await Promise.race([exited.catch(() => undefined), delay(150)]);
    const failure = early.value;
    if (failure instanceof Error) {
      this.record(
        buildProcessLaunchEvent({
          sandbox: request.name,
          outcome: 'failure',
          process: processInput,
          statusDetail: failure.message,
        }),
      );
      throw failure;
    }
    this.record(
      buildProcessLaunchEvent({ sandbox: request.name, outcome: 'success', process: processInput }),
    );
    this.state = {
      ...this.state,
      phase: 'running',
      launcher: identifyProcess(launcherPid),
      initPid,
    };
    writeJsonFile(paths.stateFile, this.state);
    this.logger.info({ launcherPid, initPid }, 'sandbox running');

    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const)
      process.on(signal, () => this.stop(signal));
    exited.then(
      (exit) => this.onExit(exit.code, exit.signal, processInput),
      (error: unknown) => {
        this.logger.error({ err: error }, 'sandbox failed');
        void this.onExit(null, null, processInput);
      },
    );
  }

  private async onExit(
    code: number | null,
    signal: NodeJS.Signals | null,
    processInput: { pid: number; executable: string; argv: readonly string[] },
  ): Promise<void> {
    const exitCode = code ?? (signal === null ? null : 128 + 9);
    this.logger.info({ code, signal }, 'sandbox exited');
    this.record(
      buildProcessTerminateEvent({
        sandbox: this.request.name,
        process: processInput,
        ...(code === null ? {} : { exitCode: code }),
        ...(signal === null ? {} : { signal }),
      }),
    );
    await this.cleanup(exitCode);
    this.resolveFinished(0);
  }

  /** Graceful stop: SIGTERM to the sandbox, SIGKILL after the grace period. */
  stop(reason: string): void {
    if (this.stopping) return;
    this.stopping = true;
    this.logger.info({ reason }, 'stopping');
    this.state = { ...this.state, phase: 'stopping' };
    writeJsonFile(this.paths.stateFile, this.state);
    const sandbox = this.sandbox;
    if (sandbox === null) return;
    sandbox.kill('SIGTERM');
    const timer = setTimeout(() => sandbox.kill('SIGKILL'), this.request.stopTimeoutMs ?? 5000);
    timer.unref();
  }

  async cleanup(exitCode: number | null): Promise<void> {
    if (this.cleanedUp) return;
    this.cleanedUp = true;
    const control = this.control;
    if (control !== null) await new Promise<void>((resolve) => control.close(() => resolve()));
    await this.proxy?.close().catch(() => undefined);
    rmSync(this.paths.controlSocket, { force: true });
    await this.audit?.close().catch(() => undefined);
    this.state = { ...this.state, phase: 'exited', exitedAt: new Date().toISOString(), exitCode };
    writeJsonFile(this.paths.stateFile, this.state);
    this.logger.info({ exitCode }, 'supervisor done');
    rmSync(this.paths.lockFile, { force: true });
  }

  private writePolicy(policy: Policy): void {
    const preset = approvalPresetPath(this.request.home, this.request.name);
    const header = existsSync(preset) ? `extends: [${JSON.stringify(preset)}]\n` : '';
    writeFileSync(this.paths.policyFile, `${header}${stringifyPolicy(policy)}`, { mode: 0o600 });
    chmodSync(this.paths.policyFile, 0o600);
  }

  private loadPersistedApprovals(
    controller: PolicyController,
    loadOptions: { workdir: string; home: string },
  ): void {
    const preset = approvalPresetPath(this.request.home, this.request.name);
    if (!existsSync(preset)) return;
    const loaded = loadPolicyFile(preset, loadOptions);
    if (!loaded.ok) {
      this.logger.warn(
        { preset, error: loaded.error.message },
        'persisted approvals ignored: the preset does not load',
      );
      return;
    }
    for (const [key, rule] of Object.entries(loaded.value.network_policies ?? {}))
      controller.addApprovedRule(key, rule);
  }

  private listenControl(): Promise<Server> {
    const { controlDirectory, controlSocket } = this.paths;
    mkdirSync(controlDirectory, { recursive: true, mode: 0o700 });
    chmodSync(controlDirectory, 0o700);
    rmSync(controlSocket, { force: true });
    const server = createServer((socket) => this.serveControl(socket));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(controlSocket, () => {
        chmodSync(controlSocket, 0o600);
        resolve(server);
      });
    });
  }

  private serveControl(socket: Socket): void {
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('error', () => undefined);
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      if (buffered.length > maximumControlLineBytes) {
        socket.end(
          `${JSON.stringify({ id: 0, ok: false, error: { code: 'sandbox-control-protocol', message: 'request too large' } })}\n`,
        );
        return;
      }
      let end = buffered.indexOf('\n');
      while (end !== -1) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 1);
        socket.write(`${JSON.stringify(this.answer(line))}\n`);
        end = buffered.indexOf('\n');
      }
    });
  }

  private answer(line: string) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      return { id: 0, ok: false, error: { code: 'sandbox-control-protocol', message: 'not JSON' } };
    }
    const checked = controlRequestSchema.safeParse(parsed);
    if (!checked.success) {
      return {
        id: 0,
        ok: false,
        error: { code: 'sandbox-control-protocol', message: 'not a control request' },
      };
    }
    try {
      return { id: checked.data.id, ok: true, result: this.handle(checked.data) };
    } catch (error) {
      return { id: checked.data.id, ok: false, error: describe(error) };
    }
  }

  private handle(request: ControlRequest): unknown {
    const controller = this.controller;
    if (controller === null) throw new SandboxError('sandbox-not-running', 'the sandbox is not running');
    switch (request.op) {
      case 'status':
        return {
          ...this.state,
          generation: this.proxy?.generation ?? 0,
          activeTunnels: this.proxy?.activeTunnels ?? 0,
          pendingApprovals: this.approvals.list().length,
        };
      case 'apply-policy': {
        const report = controller.apply(request.file);
        const policyName = request.file;
        if (report.status === 'LOADED') {
          this.writePolicy(controller.policy);
          this.record(
            buildPolicyChangeEvent({
              sandbox: this.request.name,
              kind: 'apply',
              policy: { name: policyName, sha256: policyHash(controller.policy) },
              changedDomains: [...new Set(report.changes.map((change) => change.field.split('.')[0] ?? ''))],
            }),
          );
        } else {
          this.record(
            buildPolicyChangeEvent({
              sandbox: this.request.name,
              kind: report.reason === 'locked' ? 'reject' : 'fail',
              policy: { name: policyName, sha256: createHash('sha256').update(request.file).digest('hex') },
              reason: report.message.slice(0, 500),
            }),
          );
        }
        this.logger.info(
          { file: request.file, status: report.status, elapsedMs: report.elapsedMs },
          'policy apply',
        );
        return report;
      }
      case 'approvals':
        return this.approvals.list();
      case 'approve': {
        const pending = this.approvals.get(request.approval);
        if (pending === undefined) {
          throw new SandboxError('sandbox-no-such-approval', `no pending approval ${request.approval}`);
        }
        const key = approvalRuleKey(pending);
        const rule = approvalRule(pending, controller.effectiveNetwork());
        const result = controller.addApprovedRule(key, rule);
        if (!result.ok) throw new SandboxError('sandbox-approval-failed', result.message);
        this.approvals.take(request.approval);
        let preset: string | null = null;
        if (request.persist) {
          preset = approvalPresetPath(this.request.home, this.request.name);
          persistApprovalRule(preset, this.request.name, key, rule);
          this.writePolicy(controller.policy);
        }
        this.logger.info({ approval: pending.id, key, persist: request.persist }, 'approved');
        this.record(
          buildPolicyChangeEvent({
            sandbox: this.request.name,
            kind: 'apply',
            policy: { name: `approval ${key}`, sha256: policyHash(controller.policy) },
            changedDomains: ['network_policies'],
          }),
        );
        return { approval: pending, rule: { key, value: rule }, generation: result.generation, preset };
      }
      case 'deny': {
        const pending = this.approvals.take(request.approval);
        if (pending === undefined) {
          throw new SandboxError('sandbox-no-such-approval', `no pending approval ${request.approval}`);
        }
        this.logger.info({ approval: pending.id }, 'approval denied');
        return { approval: pending };
      }
      case 'stop':
        setImmediate(() => this.stop('control'));
        return { stopping: true };
    }
  }
}

function policyHash(policy: Policy): string {
  return createHash('sha256').update(stringifyPolicy(policy)).digest('hex');
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
