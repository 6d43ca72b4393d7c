// Runs a TypeScript entry of test/sandbox on Node 20 (no TypeScript loader there): esbuild bundles it with
// dependencies kept external into .tmp/, with import.meta.url pinned to the source file so the scenario folder and
// project root resolve as they do in tests.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export async function runTs(name) {
  const entry = join(here, `${name}.ts`);
  const outfile = join(here, '..', '..', '.tmp', `sandbox-${name}.mjs`);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    loader: { '.yml': 'text' },
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(entry).href) },
    logLevel: 'warning',
  });
  await import(pathToFileURL(outfile).href);
}
