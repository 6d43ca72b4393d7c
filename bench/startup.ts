// Cold start of the shipped bundle (validate mode, bundled playbook, no network) against bare Node, and the size of
// dist/ raw and gzipped, with what takes the room in dist/index.js (from esbuild's metafile).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { PROJECT_ROOT } from '../test/sandbox/harness.js';

function timeProcess(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { env, cwd, stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolve(ms);
      else reject(new Error(`node ${args.join(' ')} exited ${code}`));
    });
  });
}

export interface ColdStartRun {
  ms: number;
  bareNodeMs: number;
}

/** One pair of runs: `node dist/index.js` in validate mode, then `node -e 0`. */
export async function coldStartRun(): Promise<ColdStartRun> {
  const workspace = mkdtempSync(join(tmpdir(), 'kv-bench-'));
  try {
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: workspace,
      GITHUB_WORKSPACE: workspace,
      INPUT_MODE: 'validate',
    };
    const ms = await timeProcess([join(PROJECT_ROOT, 'dist', 'index.js')], env, workspace);
    const bareNodeMs = await timeProcess(['-e', '0'], env, workspace);
    return { ms, bareNodeMs };
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

export interface BundleSize {
  /** Every file in dist/ (the action's and the CLI's bundles). */
  bytes: number;
  gzipBytes: number;
  files: { name: string; bytes: number; gzipBytes: number }[];
  /** The largest packages (or src/) in dist/index.js, bytes of minified output each. */
  largest: { name: string; bytes: number }[];
}

export async function bundleSize(): Promise<BundleSize> {
  const dir = join(PROJECT_ROOT, 'dist');
  const files = readdirSync(dir)
    .sort()
    .map((name) => {
      const content = readFileSync(join(dir, name));
      return { name, bytes: content.length, gzipBytes: gzipSync(content).length };
    });
  return {
    bytes: files.reduce((s, f) => s + f.bytes, 0),
    gzipBytes: files.reduce((s, f) => s + f.gzipBytes, 0),
    files,
    largest: await largestInputs(),
  };
}

/** dist/index.js rebuilt in memory with the build's options, its output bytes grouped by package. */
async function largestInputs(): Promise<{ name: string; bytes: number }[]> {
  const result = await build({
    entryPoints: [join(PROJECT_ROOT, 'src', 'index.ts')],
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    legalComments: 'none',
    loader: { '.yml': 'text' },
    metafile: true,
    write: false,
    outfile: 'index.js',
    logLevel: 'silent',
  });
  const byPackage = new Map<string, number>();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? 'src (this project)';
      byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...byPackage]
    .map(([name, bytes]) => ({ name, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 8);
}
