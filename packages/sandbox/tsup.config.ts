import { cpSync } from 'node:fs';
import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm'],
    dts: { entry: 'src/index.ts' },
    tsconfig: 'tsconfig.build.json',
    sourcemap: true,
    clean: true,
    platform: 'node',
    target: 'node20',
  },
  {
    // The OpenClaw plugin: one self-contained file (OpenClaw copies path installs without
    // installing dependencies); only `openclaw/*` comes from the host at load time.
    entry: { plugin: 'src/plugin/index.ts' },
    format: ['esm'],
    tsconfig: 'tsconfig.build.json',
    sourcemap: true,
    clean: false,
    platform: 'node',
    target: 'node20',
    external: [/^openclaw(\/|$)/],
    noExternal: [/^(?!openclaw(\/|$)).*/],
    // The shipped policies travel with the plugin (`shippedPoliciesDir()` finds them beside dist/).
    onSuccess: async () => {
      cpSync('../../policies', 'policies', { recursive: true });
    },
    banner: {
      js: "import { createRequire as __nemoclawCreateRequire } from 'node:module'; const require = __nemoclawCreateRequire(import.meta.url);",
    },
  },
]);
