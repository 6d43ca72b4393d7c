// `npm run bench`: Node 20 has no TypeScript loader, so esbuild bundles bench/main.ts (dependencies external) into
// .tmp/ and runs it. Each .ts file gets its own import.meta.url, so modules under test/sandbox resolve the scenario
// folder and the project root from where they are, as in tests.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, '.tmp', 'bench-main.mjs');

const pinImportMetaUrl = {
  name: 'pin-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async ({ path }) => ({
      contents: (await readFile(path, 'utf8')).replace(
        /\bimport\.meta\.url\b/g,
        JSON.stringify(pathToFileURL(path).href),
      ),
      loader: 'ts',
    }));
  },
};

await build({
  entryPoints: [join(root, 'bench', 'main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  loader: { '.yml': 'text' },
  plugins: [pinImportMetaUrl],
  logLevel: 'warning',
});
try {
  await import(pathToFileURL(outfile).href);
} catch (error) {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
