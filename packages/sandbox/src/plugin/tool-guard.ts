import type { BeforeToolCallEvent, BeforeToolCallResult } from './openclaw-types.js';
import { sandboxedToolNames } from './plugin-config.js';
import type { PluginRuntime } from './plugin-runtime.js';
import { nemoclawBackendId } from './sandbox-backend.js';

/** What the guard needs to know of OpenClaw's own configuration. */
export interface SandboxSettings {
  /** `agents.defaults.sandbox.mode`. */
  readonly mode: string | undefined;
  /** `agents.defaults.sandbox.backend`. */
  readonly backend: string | undefined;
}

/** Reads `agents.defaults.sandbox.{mode,backend}` from an untrusted OpenClaw config object. */
export function sandboxSettingsOf(openclawConfig: unknown): SandboxSettings {
  const sandbox = property(property(property(openclawConfig, 'agents'), 'defaults'), 'sandbox');
  const mode = property(sandbox, 'mode');
  const backend = property(sandbox, 'backend');
  return {
    mode: typeof mode === 'string' ? mode : undefined,
    backend: typeof backend === 'string' ? backend : undefined,
  };
}

function property(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** The tools the guard watches under the plugin's `mode`. */
export function guardedTools(runtime: PluginRuntime): readonly string[] {
  return runtime.config.mode === 'tools' ? (runtime.config.tools ?? sandboxedToolNames) : sandboxedToolNames;
}

/**
 * The `before_tool_call` decision (defence in depth in front of the sandbox backend). For a
 * guarded tool it blocks, with a reason a person can act on, when:
 * - the sandbox cannot be applied (policy invalid, launcher missing, kernel lacks a feature);
 * - OpenClaw is not configured to run tools in the `nemoclaw` backend for every session
 *   (`agents.defaults.sandbox: { mode: "all", backend: "nemoclaw" }`): the tool would otherwise run
 *   unconfined in the gateway process or on the host;
 * - an `exec` asks to leave the sandbox (`host: "gateway" | "node"` or `elevated: true`).
 *
 * Tools named in `requireApproval` get OpenClaw's approval prompt. Everything else passes.
 */
export async function evaluateToolCall(
  runtime: PluginRuntime,
  settings: SandboxSettings,
  event: BeforeToolCallEvent,
): Promise<BeforeToolCallResult | undefined> {
  const tool = event.toolName;
  if (guardedTools(runtime).includes(tool)) {
    const block = async (reason: string): Promise<BeforeToolCallResult> => {
      await runtime.recordDenial('tool', `${tool} blocked: ${reason}`);
      return { block: true, blockReason: `NemoClaw blocked ${tool}: ${reason}` };
    };
    const ready = await runtime.readiness();
    if (!ready.ok) return block(`the sandbox cannot be applied (${ready.reason})`);
    if (settings.mode !== 'all' || settings.backend !== nemoclawBackendId) {
      return block(
        `OpenClaw is not set to run tools in the NemoClaw sandbox (agents.defaults.sandbox is mode=${settings.mode ?? 'off'}, backend=${settings.backend ?? 'docker'}; set mode "all" and backend "nemoclaw")`,
      );
    }
    const host = event.params.host;
    if (
      tool === 'exec' &&
      ((typeof host === 'string' && host !== 'auto' && host !== 'sandbox') || event.params.elevated === true)
    ) {
      return block(
        `exec outside the sandbox (host=${String(host)}${event.params.elevated === true ? ', elevated' : ''}) is not allowed`,
      );
    }
  }
  if ((runtime.config.requireApproval ?? []).includes(tool)) {
    return {
      requireApproval: {
        title: `NemoClaw: approve ${tool}?`,
        description: `The NemoClaw policy asks for approval before ${tool} runs.${describeParams(event.params)}`,
        severity: 'warning',
      },
    };
  }
  return undefined;
}

function describeParams(params: Record<string, unknown>): string {
  const command = params.command ?? params.path ?? params.file_path;
  return typeof command === 'string' ? ` (${command.slice(0, 200)})` : '';
}
