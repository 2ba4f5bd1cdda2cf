/**
 * The OpenClaw plugin entry of `@nemoclaw/sandbox` (built to `dist/plugin.js`, referenced from
 * package.json `openclaw.extensions`). OpenClaw supplies `openclaw/plugin-sdk/sandbox` at load time.
 *
 * @packageDocumentation
 */
import { registerSandboxBackend } from 'openclaw/plugin-sdk/sandbox';
import { createNemoclawPlugin } from './nemoclaw-plugin.js';

/** The NemoClaw plugin for OpenClaw. */
const nemoclawPlugin = createNemoclawPlugin({ registerSandboxBackend });
export default nemoclawPlugin;
