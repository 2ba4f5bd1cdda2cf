import type { PluginRuntime } from './plugin-runtime.js';
import { guardedTools } from './tool-guard.js';

/** A plain-data snapshot of the plugin's state, for `/nemoclaw` and `openclaw nemoclaw status --json`. */
export interface StatusReport {
  readonly sandbox: 'ready' | 'unavailable';
  readonly reason: string | null;
  readonly policy: string;
  readonly launcher: string | null;
  readonly kernel: string | null;
  readonly landlockAbi: number | null;
  readonly mode: 'all' | 'tools';
  readonly guardedTools: readonly string[];
  readonly requireApproval: readonly string[];
  readonly egressProxy: 'running' | 'not started';
  /** The privacy router's base URL when `router` is configured (wire it with `openclaw nemoclaw router-config`). */
  readonly router: string | null;
  readonly auditLog: string;
  readonly recentDenials: readonly { time: string; kind: string; detail: string }[];
}

/** Collects the {@link StatusReport}. */
export async function statusReport(runtime: PluginRuntime): Promise<StatusReport> {
  const ready = await runtime.readiness();
  return {
    sandbox: ready.ok ? 'ready' : 'unavailable',
    reason: ready.ok ? null : ready.reason,
    policy: runtime.policyPath,
    launcher: ready.ok ? ready.launcherPath : null,
    kernel: ready.ok ? ready.probe.kernel : null,
    landlockAbi: ready.ok ? ready.probe.landlockAbi : null,
    mode: runtime.config.mode,
    guardedTools: guardedTools(runtime),
    requireApproval: runtime.config.requireApproval ?? [],
    egressProxy: runtime.egressRunning ? 'running' : 'not started',
    router: runtime.config.router?.enabled === true ? runtime.config.router.baseUrl : null,
    auditLog: runtime.auditLogPath,
    recentDenials: runtime.recentDenials().map((denial) => ({
      time: new Date(denial.time).toISOString(),
      kind: denial.kind,
      detail: denial.detail,
    })),
  };
}

/** The report as a few lines for people (chat and terminal). */
export function formatStatus(report: StatusReport): string {
  const lines = [
    `NemoClaw sandbox: ${report.sandbox}${report.reason === null ? '' : ` (${report.reason})`}`,
    `policy: ${report.policy}`,
    `launcher: ${report.launcher ?? '-'}${report.kernel === null ? '' : ` · kernel ${report.kernel} · Landlock ABI ${report.landlockAbi ?? '-'}`}`,
    `mode: ${report.mode} · guarded tools: ${report.guardedTools.join(', ')}`,
    `approval required for: ${report.requireApproval.length === 0 ? 'none' : report.requireApproval.join(', ')}`,
    `egress proxy: ${report.egressProxy} · audit log: ${report.auditLog}`,
    `privacy router: ${report.router === null ? 'not configured' : `${report.router} (wire it: openclaw nemoclaw router-config)`}`,
  ];
  return lines.join('\n');
}

/** Recent denials as lines (newest last), or a line saying there are none. */
export function formatDenials(report: StatusReport): string {
  if (report.recentDenials.length === 0) return 'No denials recorded in this process.';
  return report.recentDenials.map((denial) => `${denial.time} ${denial.kind}: ${denial.detail}`).join('\n');
}
