// Writes playbooks/schema.json from src/playbook/json-schema.ts (a unit test fails when it is stale).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { format, resolveConfig } from 'prettier';

const dir = mkdtempSync(join(tmpdir(), 'playbook-schema-'));
try {
  const outfile = join(dir, 'json-schema.mjs');
  await build({
    entryPoints: ['src/playbook/json-schema.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  const { playbookJsonSchema } = await import(pathToFileURL(outfile).href);
  const target = 'playbooks/schema.json';
  const options = { ...(await resolveConfig(target)), filepath: target };
  writeFileSync(target, await format(JSON.stringify(playbookJsonSchema()), options));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
