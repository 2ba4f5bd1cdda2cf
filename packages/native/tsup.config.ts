import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/launch.ts'],
  format: ['esm'],
  dts: { entry: ['src/index.ts', 'src/launch.ts'] },
  tsconfig: 'tsconfig.build.json',
  sourcemap: true,
  clean: true,
  platform: 'node',
  target: 'node20',
});
