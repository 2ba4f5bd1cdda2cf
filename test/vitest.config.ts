import { defineProject } from 'vitest/config';
import { sharedProjectConfig } from '../vitest.shared.ts';

const config = sharedProjectConfig('end-to-end');
export default defineProject({
  ...config,
  test: { ...config.test, include: ['**/*.test.ts'], testTimeout: 120_000 },
});
