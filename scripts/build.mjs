// Bundles the action and the CLI into self-contained ESM files under dist/.
// The output is deterministic so CI can fail on a stale dist/ by diffing it.
import { build } from 'esbuild';
import { writeNotices } from './notices.mjs';

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
  metafile: true, // what was bundled, for THIRD_PARTY_NOTICES.md
};

const action = await build({
  ...common,
  entryPoints: ['src/index.ts'],
  outfile: 'dist/index.js',
  banner: { js: banner },
});
const cli = await build({
  ...common,
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.js',
  banner: { js: `#!/usr/bin/env node\n${banner}` },
});

// Paths in the metafiles are relative to the working directory (the project root under npm run build).
writeNotices(process.cwd(), [action.metafile, cli.metafile]);
