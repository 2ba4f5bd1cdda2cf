import { randomUUID } from 'node:crypto';
import { defineConfig } from 'tsup';

// `nemoclaw run` starts in milliseconds when its plan comes from the plan cache: the chunks it
// loads then import no @nemoclaw/* package (and so neither zod nor yaml). Every subcommand is a
// chunk of its own (src/run-cli.ts imports them on demand). commander is bundled in, so that no
// CommonJS loader starts on the way; every other dependency stays external.
export default defineConfig({
  entry: ['src/index.ts', 'src/cli.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  tsconfig: 'tsconfig.build.json',
  sourcemap: true,
  clean: true,
  platform: 'node',
  target: 'node20',
  splitting: true,
  noExternal: ['commander'],
  // A fresh id per build: the plan cache never reads what another build wrote.
  define: { __NEMOCLAW_BUILD_ID__: JSON.stringify(randomUUID()) },
  // commander is CommonJS: its require() calls of Node built-ins need a require in this ES module.
  banner: {
    js: "import { createRequire as __nemoclawCreateRequire } from 'node:module'; const require = __nemoclawCreateRequire(import.meta.url);",
  },
});
