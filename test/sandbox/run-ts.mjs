// Runs a TypeScript entry on Node 20 (no TypeScript loader there): esbuild bundles it with dependencies kept
// external into .tmp/ and imports it. Each .ts file keeps its own import.meta.url, so modules under test/sandbox
// resolve the scenario folder and the project root from where they are, as in tests.
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

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

/** `entry`: a path from the project root, e.g. `test/sandbox/demo.ts`. */
export async function runTs(entry) {
  const outfile = join(root, '.tmp', `${basename(entry, '.ts')}.mjs`);
  await build({
    entryPoints: [join(root, entry)],
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
  await import(pathToFileURL(outfile).href);
}
