import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The launcher's own suite (native/tests/smoke.sh, ~110 checks of the plan parser, every setup
// stage's exit code and one-line reason, masks, Landlock, seccomp, rlimits, the pids cgroup, an
// unprivileged caller) run twice by `make check`: against an AddressSanitizer + UBSan build, then
// against the release build. Run here so that CI runs it with everything else.
const nativeDirectory = fileURLToPath(new URL('../../native/', import.meta.url));

describe('nemoclaw-sandbox-exec smoke suite (make -C native check)', () => {
  it('passes under ASan/UBSan and as the release build', () => {
    const result = spawnSync('make', ['-s', '-C', nativeDirectory, 'check'], {
      encoding: 'utf8',
      timeout: 600_000,
      env: { ...process.env, MAKEFLAGS: '' },
    });
    const output = `${result.stdout}\n${result.stderr}`;
    const failures = output.split('\n').filter((line) => line.startsWith('FAIL'));
    const summaries = [...output.matchAll(/^smoke: (\d+) passed, (\d+) failed$/gmu)].map((match) => ({
      passed: Number(match[1]),
      failed: Number(match[2]),
    }));
    expect({ failures, status: result.status }).toEqual({ failures: [], status: 0 });
    expect(summaries).toHaveLength(2); // the sanitizer build and the release build
    for (const summary of summaries) {
      expect(summary.failed).toBe(0);
      expect(summary.passed).toBeGreaterThanOrEqual(100);
    }
  }, 600_000);
});
