import { defineProject } from 'vitest/config';
import { sharedProjectConfig } from '../../vitest.shared.ts';

const shared = sharedProjectConfig('@nemoclaw/native');

export default defineProject({
  ...shared,
  test: { ...shared.test, globalSetup: ['./test-support/global-setup.ts'] },
});
