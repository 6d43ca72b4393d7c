// THIRD_PARTY_NOTICES.md must name every package that dist/ bundles, with its license text, and nothing else.
// The bundled set is found again here from esbuild's metafile, independently of scripts/notices.mjs.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const NOTICES = readFileSync('THIRD_PARTY_NOTICES.md', 'utf8');

async function bundledPackages(): Promise<Set<string>> {
  const result = await build({
    entryPoints: ['src/index.ts', 'src/cli.ts'],
    outdir: 'unused',
    write: false,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    loader: { '.yml': 'text' },
    metafile: true,
    logLevel: 'silent',
  });
  const packages = new Set<string>();
  for (const input of Object.keys(result.metafile.inputs)) {
    const dir = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1];
    if (!dir) continue;
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; version: string };
    packages.add(`${manifest.name}@${manifest.version}`);
  }
  return packages;
}

/** The text of each `## name@version` section. */
function sections(): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of NOTICES.split(/^## /m).slice(1)) {
    const newline = part.indexOf('\n');
    map.set(part.slice(0, newline).trim(), part.slice(newline));
  }
  return map;
}

describe('THIRD_PARTY_NOTICES.md', () => {
  let bundled: Set<string>;
  beforeAll(async () => {
    bundled = await bundledPackages();
  });

  it('names every package the bundles contain, and only those', () => {
    expect(bundled.size).toBeGreaterThan(10);
    expect([...sections().keys()].sort()).toEqual([...bundled].sort());
  });

  it('carries license text for each package', () => {
    const withoutText = [...sections()].filter(([, body]) => !/```text\n[^`]*\S/.test(body)).map(([name]) => name);
    expect(withoutText).toEqual([]);
  });
});
