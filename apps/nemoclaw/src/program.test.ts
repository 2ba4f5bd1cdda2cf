import { describe, expect, it } from 'vitest';
import { runCli } from './program.js';

describe('runCli', () => {
  it('answers an unknown command with the usage exit code', async () => {
    const code = await runCli(['node', 'nemoclaw', 'no-such-command']);
    expect(code).toBe(2);
  });
});
