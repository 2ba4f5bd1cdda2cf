// One-off scaffold used to create the package skeletons (kept for adding packages later).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const packages = [
  [
    'packages/policy',
    '@nemoclaw/policy',
    'The NemoClaw policy language: schema, YAML loading with line:col errors, presets, locked-vs-hot diff, OpenShell import.',
    [],
  ],
  [
    'packages/audit',
    '@nemoclaw/audit',
    'OCSF event types and builders, and a tamper-evident hash-chained local audit log.',
    [],
  ],
  [
    'packages/native',
    '@nemoclaw/native',
    'TypeScript face of the nemoclaw-sandbox-exec launcher: kernel feature probe, plan serialisation, sandboxed spawn.',
    ['packages/policy'],
  ],
  [
    'packages/nemotron',
    '@nemoclaw/nemotron',
    'Typed client for NVIDIA Nemotron models on NIM, the NVIDIA API, vLLM and Ollama.',
    [],
  ],
  [
    'packages/sandbox',
    '@nemoclaw/sandbox',
    'The NemoClaw sandbox core (lifecycle, supervisor, egress proxy, hot reload, approvals) and the OpenClaw plugin.',
    ['packages/policy', 'packages/native', 'packages/audit'],
  ],
  [
    'packages/privacy-router',
    '@nemoclaw/privacy-router',
    'Sensitive-data detection, routing of model calls by sensitivity, reversible redaction, OpenAI/Anthropic-compatible proxy.',
    ['packages/policy', 'packages/audit', 'packages/nemotron'],
  ],
  [
    'packages/connectors/core',
    '@nemoclaw/connector-core',
    'Durable batched delivery of audit events: disk queue, retry with backoff, dead-letter file.',
    ['packages/audit'],
  ],
  ...[
    ['crowdstrike', 'CrowdStrike Falcon Next-Gen SIEM (HEC)'],
    ['splunk', 'Splunk HTTP Event Collector'],
    ['microsoft-sentinel', 'Microsoft Sentinel (Azure Monitor Logs Ingestion API)'],
    ['google-secops', 'Google Security Operations (Chronicle)'],
    ['trend-vision-one', 'Trend Vision One (HTTP event collection)'],
    ['cisco-ai-defense', 'Cisco AI Defense runtime inspection'],
  ].map(([id, title]) => [
    `packages/connectors/${id}`,
    `@nemoclaw/connector-${id}`,
    `Ships NemoClaw OCSF audit events to ${title}.`,
    ['packages/audit', 'packages/connectors/core'],
  ]),
  [
    'apps/nemoclaw',
    'nemoclaw',
    'The NemoClaw command line and installable stack: sandbox, egress proxy, privacy router and connectors for AI agents.',
    ['packages/policy'],
  ],
];

const root = process.cwd();
for (const [dir, name, description, references] of packages) {
  mkdirSync(join(root, dir, 'src'), { recursive: true });
  const up = relative(join(root, dir), root);
  const isApp = dir.startsWith('apps/');
  const dependencies = Object.fromEntries(
    references.map((ref) => [packages.find((p) => p[0] === ref)[1], '0.0.0']),
  );
  const manifest = {
    name,
    version: '0.0.0',
    description,
    license: 'Apache-2.0',
    type: 'module',
    sideEffects: false,
    engines: { node: '>=20.18' },
    exports: {
      '.': {
        '@nemoclaw/source': './src/index.ts',
        types: './dist/index.d.ts',
        import: './dist/index.js',
        default: './dist/index.js',
      },
      './package.json': './package.json',
    },
    types: './dist/index.d.ts',
    files: ['dist', 'README.md', 'CHANGELOG.md'],
    ...(isApp ? { bin: { nemoclaw: './dist/cli.js' } } : {}),
    scripts: { build: 'tsup', test: 'vitest run', typecheck: 'tsc --build' },
    dependencies,
    publishConfig: { access: 'public' },
    repository: { type: 'git', url: 'git+https://github.com/nemoclaw/nemoclaw.git', directory: dir },
  };
  const write = (file, text) => {
    const path = join(root, dir, file);
    if (!existsSync(path)) writeFileSync(path, text);
  };
  write('package.json', `${JSON.stringify(manifest, null, 2)}\n`);
  write(
    'tsconfig.json',
    `${JSON.stringify(
      {
        extends: `${up}/tsconfig.base.json`,
        compilerOptions: {
          rootDir: 'src',
          outDir: '.tsbuild',
          tsBuildInfoFile: '.tsbuild/tsconfig.tsbuildinfo',
        },
        include: ['src'],
        references: references.map((ref) => ({ path: relative(join(root, dir), join(root, ref)) })),
      },
      null,
      2,
    )}\n`,
  );
  write(
    'tsconfig.build.json',
    `${JSON.stringify(
      {
        extends: './tsconfig.json',
        compilerOptions: {
          composite: false,
          customConditions: [],
          emitDeclarationOnly: false,
          declarationMap: false,
          rootDir: 'src',
          outDir: 'dist',
        },
        include: ['src'],
        exclude: ['src/**/*.test.ts'],
        references: [],
      },
      null,
      2,
    )}\n`,
  );
  const entries = isApp ? `['src/index.ts', 'src/cli.ts']` : `['src/index.ts']`;
  write(
    'tsup.config.ts',
    `import { defineConfig } from 'tsup';\n\nexport default defineConfig({\n  entry: ${entries},\n  format: ['esm'],\n  dts: { entry: 'src/index.ts' },\n  tsconfig: 'tsconfig.build.json',\n  sourcemap: true,\n  clean: true,\n  platform: 'node',\n  target: 'node20',\n});\n`,
  );
  write(
    'vitest.config.ts',
    `import { defineProject } from 'vitest/config';\nimport { sharedProjectConfig } from '${up}/vitest.shared.ts';\n\nexport default defineProject(sharedProjectConfig('${name}'));\n`,
  );
  write(
    'README.md',
    `# ${name}\n\n${description}\n\n> Status: skeleton. The API described below lands with its issue.\n\n## Install\n\n\`\`\`sh\nnpm install ${name}\n\`\`\`\n`,
  );
  write(
    'src/index.ts',
    `/**\n * ${description}\n *\n * @packageDocumentation\n */\n\n/** The package name, for diagnostics. */\nexport const packageName = '${name}';\n`,
  );
}
