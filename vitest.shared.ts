import type { UserWorkspaceConfig } from 'vitest/config';

/**
 * The vitest settings every package shares: tests sit beside the code as `*.test.ts`, and
 * workspace imports resolve to TypeScript sources through the `@nemoclaw/source` export
 * condition, so a package's tests never need its dependencies built first.
 */
export function sharedProjectConfig(name: string): UserWorkspaceConfig {
  return {
    resolve: { conditions: ['@nemoclaw/source', 'module', 'node', 'import', 'default'] },
    ssr: { resolve: { conditions: ['@nemoclaw/source', 'module', 'node', 'import', 'default'] } },
    test: {
      name,
      include: ['src/**/*.test.ts', '*.test.ts', '**/*.test.ts'],
      exclude: ['**/node_modules/**', '**/dist/**'],
      environment: 'node',
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  };
}
