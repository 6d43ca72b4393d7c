// Bundles the action and the CLI into self-contained ESM files under dist/.
// The output is deterministic so CI can fail on a stale dist/ by diffing it.
import { build } from 'esbuild';

// ESM bundles that contain CommonJS dependencies need a real `require`.
const banner =
  "import { createRequire as __kvCreateRequire } from 'node:module'; const require = __kvCreateRequire(import.meta.url);";

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  loader: { '.yml': 'text' },
  logLevel: 'warning',
};

await build({ ...common, entryPoints: ['src/index.ts'], outfile: 'dist/index.js', banner: { js: banner } });
await build({
  ...common,
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.js',
  banner: { js: `#!/usr/bin/env node\n${banner}` },
});
