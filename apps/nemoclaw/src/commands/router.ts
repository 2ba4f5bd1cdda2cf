import type { EventEmitter } from 'node:events';
import { dirname, join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { Command, InvalidArgumentError } from 'commander';
import { NemoclawCliError } from '../cli-error.js';

/** The port `nemoclaw router start` listens on and `router status` asks, unless told otherwise. */
export const defaultRouterPort = 4848;
/** The address the router listens on by default: loopback only. */
export const defaultRouterHost = '127.0.0.1';

/** Options of `nemoclaw router start`. */
export interface RouterStartRequest {
  /** Policy file with an `inference` section (default: the shipped policies/default.yaml). */
  readonly policy?: string;
  readonly port?: number;
  readonly host?: string;
  /** pino level (default `info`). */
  readonly logLevel?: string;
  /** Append an OCSF API Activity event per decision to this hash-chained audit log. */
  readonly auditLog?: string;
}

/** Where `router start` writes and which signals it obeys (the process by default). */
export interface RouterStartIo {
  /** JSON log lines (pino). */
  readonly stdout: Writable;
  /** Emits SIGTERM/SIGINT (graceful stop) and SIGHUP (reload the policy file). */
  readonly signals: EventEmitter;
  /** Environment the provider keys are read from. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Called once the router listens (tests use it to learn the port). */
  readonly onListening?: (url: string) => void;
}

/** Options of `nemoclaw router status`. */
export interface RouterStatusRequest {
  readonly port?: number;
  readonly host?: string;
  readonly json?: boolean;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidArgumentError('must be an integer from 0 to 65535');
  }
  return port;
}

/** `nemoclaw router start|status` */
export function createRouterCommand(): Command {
  const router = new Command('router')
    .description('The privacy router: routes model calls by the sensitivity of what they carry')
    .exitOverride();
  router
    .command('start')
    .exitOverride()
    .description(
      'Run the privacy router in the foreground (SIGTERM/SIGINT: graceful stop; SIGHUP: reload policy)',
    )
    .option(
      '--policy <file>',
      'policy file with an inference section (default: the shipped policies/default.yaml)',
    )
    .option('--port <port>', `port to listen on (default: ${defaultRouterPort})`, parsePort)
    .option('--host <host>', `address to listen on (default: ${defaultRouterHost})`)
    .option('--log-level <level>', 'log level: fatal, error, warn, info, debug (default: info)')
    .option('--audit-log <file>', 'append an OCSF API Activity event per request to this audit log')
    .action(async (options: RouterStartRequest) => {
      process.exitCode = await executeRouterStart(options, {
        stdout: process.stdout,
        signals: process,
        env: process.env,
      });
    });
  router
    .command('status')
    .exitOverride()
    .description('Show the running router: policy, providers and counters')
    .option('--port <port>', `port the router listens on (default: ${defaultRouterPort})`, parsePort)
    .option('--host <host>', `address of the router (default: ${defaultRouterHost})`)
    .option('--json', 'print the status as JSON')
    .action(async (options: RouterStatusRequest) => {
      process.exitCode = await executeRouterStatus(options, process.stdout);
    });
  return router;
}

async function loadInference(policyPath: string) {
  const { loadPolicyFile } = await import('@nemoclaw/policy');
  const loaded = loadPolicyFile(policyPath);
  if (!loaded.ok) {
    throw new NemoclawCliError('INVALID_POLICY', `router: invalid policy:\n${loaded.error.message}`);
  }
  const inference = loaded.value.inference;
  if (inference === undefined) {
    throw new NemoclawCliError(
      'INVALID_POLICY',
      `router: ${policyPath} has no inference section (providers, default_route, rules); see the privacy-router README`,
    );
  }
  return inference;
}

/**
 * Runs the router until SIGTERM or SIGINT, then stops gracefully (in-flight requests may finish
 * for up to 10 s) and resolves to 0. SIGHUP reloads the policy file; a bad file is logged and the
 * running policy kept.
 *
 * @throws {@link NemoclawCliError} when the policy is invalid or the address is taken.
 */
export async function executeRouterStart(request: RouterStartRequest, io: RouterStartIo): Promise<number> {
  const [{ createRouter, decisionToOcsfEvent, PrivacyRouterError }, { shippedPoliciesDir }, { pino }] =
    await Promise.all([import('@nemoclaw/privacy-router'), import('@nemoclaw/policy'), import('pino')]);
  const policyPath = resolve(request.policy ?? join(shippedPoliciesDir(), 'default.yaml'));
  const logger = pino({ name: 'nemoclaw-router', level: request.logLevel ?? 'info' }, io.stdout);
  const inference = await loadInference(policyPath);
  let auditLog: import('@nemoclaw/audit').AuditLog | undefined;
  if (request.auditLog !== undefined) {
    const { AuditLog } = await import('@nemoclaw/audit');
    auditLog = await AuditLog.open(resolve(request.auditLog));
  }
  let router: Awaited<ReturnType<typeof createRouter>>;
  try {
    router = await createRouter({
      policy: inference,
      policyDir: dirname(policyPath),
      environment: io.env,
      logger,
      onDecision: (event) => {
        if (auditLog === undefined) return;
        auditLog.append(decisionToOcsfEvent(event)).catch((error: unknown) => {
          logger.error(
            { error: error instanceof Error ? error.message : String(error) },
            'audit append failed',
          );
        });
      },
    });
  } catch (error) {
    if (error instanceof PrivacyRouterError)
      throw new NemoclawCliError('INVALID_POLICY', `router: ${error.message}`);
    throw error;
  }
  const port = request.port ?? defaultRouterPort;
  const host = request.host ?? defaultRouterHost;
  let address: Awaited<ReturnType<typeof router.listen>>;
  try {
    address = await router.listen(port, host);
  } catch (error) {
    await router.close({ graceMs: 0 });
    throw new NemoclawCliError('FAILED', `router: ${error instanceof Error ? error.message : String(error)}`);
  }
  logger.info({ url: address.url, policy: policyPath, generation: 1 }, 'privacy router listening');
  io.onListening?.(address.url);

  const reload = (): void => {
    loadInference(policyPath)
      .then((next) => router.updatePolicy(next, { policyDir: dirname(policyPath) }))
      .then((generation) => logger.info({ policy: policyPath, generation }, 'inference policy LOADED'))
      .catch((error: unknown) => {
        logger.error(
          { policy: policyPath, error: error instanceof Error ? error.message : String(error) },
          'inference policy FAILED, keeping the running one',
        );
      });
  };
  await new Promise<void>((resolveStop) => {
    const stop = (signal: string): void => {
      io.signals.off('SIGTERM', onTerm);
      io.signals.off('SIGINT', onInt);
      io.signals.off('SIGHUP', reload);
      logger.info({ signal }, 'stopping: finishing in-flight requests');
      resolveStop();
    };
    const onTerm = (): void => stop('SIGTERM');
    const onInt = (): void => stop('SIGINT');
    io.signals.on('SIGTERM', onTerm);
    io.signals.on('SIGINT', onInt);
    io.signals.on('SIGHUP', reload);
  });
  await router.close({ graceMs: 10_000 });
  await auditLog?.close();
  logger.info({}, 'privacy router stopped');
  return 0;
}

interface StatusBody {
  uptimeSeconds: number;
  policy: {
    generation: number;
    defaultRoute: string;
    rules: number;
    redaction: string;
    onLocalUnavailable: string;
    providers: Array<{ id: string; kind: string; baseUrl: string; local: boolean; model: string | null }>;
  };
  counters: {
    requests: number;
    inFlight: number;
    blocked: number;
    redacted: number;
    failed: number;
    byRoute: Record<string, number>;
  };
  stickyConversations: number;
}

/** Asks a running router for its status; 0 when it answered, 1 when none is listening. */
export async function executeRouterStatus(request: RouterStatusRequest, stdout: Writable): Promise<number> {
  const host = request.host ?? defaultRouterHost;
  const port = request.port ?? defaultRouterPort;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}/v1/nemoclaw/status`;
  let status: StatusBody;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    status = (await response.json()) as StatusBody;
  } catch (error) {
    throw new NemoclawCliError(
      'NOT_FOUND',
      `router: no privacy router answering at ${shownHost}:${port} (${error instanceof Error ? error.message : String(error)}); start one with \`nemoclaw router start\``,
    );
  }
  if (request.json === true) {
    stdout.write(`${JSON.stringify(status, null, 2)}\n`);
    return 0;
  }
  const { policy, counters } = status;
  const lines = [
    `router: ${shownHost}:${port}, up ${status.uptimeSeconds} s, policy generation ${policy.generation}`,
    `routing: default ${policy.defaultRoute}, ${policy.rules} rule(s), redaction ${policy.redaction}, local unavailable -> ${policy.onLocalUnavailable}`,
    'providers:',
    ...policy.providers.map(
      (provider) =>
        `  ${provider.id.padEnd(16)} ${provider.kind.padEnd(18)} ${provider.local ? 'local' : 'cloud'}  ${provider.baseUrl}${provider.model === null ? '' : `  model ${provider.model}`}`,
    ),
    `requests: ${counters.requests} (in flight ${counters.inFlight}, blocked ${counters.blocked}, redacted ${counters.redacted}, failed ${counters.failed})`,
    `by route: ${
      Object.entries(counters.byRoute)
        .map(([route, count]) => `${route} ${count}`)
        .join(', ') || 'none yet'
    }`,
    `sticky local conversations: ${status.stickyConversations}`,
  ];
  stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
