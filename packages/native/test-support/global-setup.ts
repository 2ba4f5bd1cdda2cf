import { buildFreshLauncher } from './fresh-launcher.ts';

/**
 * Builds native/ before any test of this project runs and points NEMOCLAW_SANDBOX_EXEC at the
 * result (test workers inherit it), so tests always exercise a launcher built from the current
 * sources, never a stale dist/bin. A NEMOCLAW_SANDBOX_EXEC already set by the caller is kept:
 * that is how an installed launcher is tested.
 */
export default function setup(): void {
  if (process.env.NEMOCLAW_SANDBOX_EXEC) return;
  process.env.NEMOCLAW_SANDBOX_EXEC = buildFreshLauncher();
}
