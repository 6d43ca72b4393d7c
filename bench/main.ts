// npm run bench: every figure of issue 8 on the sandbox with injected per-request latency; writes BENCHMARKS.md
// and, with --json, prints the summary object. Progress goes to stderr.
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../test/sandbox/harness.js';
import { LONG_ROTATION, parseArgs } from './args.js';
import { impactRun } from './impact.js';
import { matchRun } from './match.js';
import { renderReport } from './report.js';
import { jsonSummary, type BenchResults, type RotationFigures, type TriageFigures } from './results.js';
import { DEFAULT_CONCURRENCY, rotationRun, type RotationRun } from './rotation.js';
import { summarize } from './stats.js';
import { bundleSize, coldStartRun } from './startup.js';
import { TRIAGE_FLOOR, triageRun, type TriageRun } from './triage.js';

const began = performance.now();
const options = parseArgs(process.argv.slice(2));
const progress = (message: string) =>
  process.stderr.write(`[bench ${((performance.now() - began) / 1000).toFixed(0)}s] ${message}\n`);

async function repeat<T>(what: string, runs: number, once: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < runs; i++) {
    progress(`${what} (${i + 1}/${runs})`);
    out.push(await once());
  }
  return out;
}

function triageFigures(runs: TriageRun[]): TriageFigures {
  const byWall = [...runs].sort((a, b) => a.wallMs - b.wallMs);
  const median = byWall[Math.floor((byWall.length - 1) / 2)] as TriageRun;
  return {
    wallMs: summarize(runs.map((r) => r.wallMs)),
    criticalPathRoundTrips: summarize(runs.map((r) => r.criticalPath.length)),
    requests: summarize(runs.map((r) => r.requests.length)),
    byService: median.byService,
    chain: median.criticalPath.map(({ service, method, path, start, end }) => ({ service, method, path, start, end })),
  };
}

async function rotationFigures(n: number): Promise<RotationFigures> {
  const runs = n >= LONG_ROTATION ? options.longRuns : options.runs;
  const at = (concurrency: number) =>
    repeat(`rotation of ${n} secrets, concurrency ${concurrency}`, runs, () =>
      rotationRun(n, concurrency, options.latencyMs),
    );
  const shape = (list: RotationRun[]) => ({
    wallMs: summarize(list.map((r) => r.wallMs)),
    requests: Math.max(...list.map((r) => r.requests)),
    maxInFlight: Math.max(...list.map((r) => r.maxInFlight)),
  });
  const concurrent = shape(await at(DEFAULT_CONCURRENCY));
  return {
    n,
    concurrency: DEFAULT_CONCURRENCY,
    ...concurrent,
    ...(options.sequentialSizes.includes(n) ? { sequential: shape(await at(1)) } : {}),
  };
}

const triage = triageFigures(await repeat('triage', options.runs, () => triageRun(options.latencyMs)));
const triageSequential = triageFigures(
  await repeat('triage, concurrency 1', options.runs, () => triageRun(options.latencyMs, 1)),
);
const rotation: RotationFigures[] = [];
for (const n of options.rotationSizes) rotation.push(await rotationFigures(n));
progress(`impact with ${options.impactBaselineRecords} records`);
const impactBaseline = await impactRun(options.impactBaselineRecords, options.latencyMs);
progress(`impact with ${options.impactRecords} records`);
const impact = await impactRun(options.impactRecords, options.latencyMs);
const cold = await repeat('cold start', options.runs, coldStartRun);
progress('bundle size');
const bundle = await bundleSize();
progress('1,000-rule match');
for (let i = 0; i < 5; i++) matchRun(); // warm-up: the first calls compile the matcher's code
const match = Array.from({ length: Math.max(20, options.runs) }, matchRun);

const results: BenchResults = {
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    date: new Date().toISOString(),
    command: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
  },
  latencyMs: options.latencyMs,
  floor: TRIAGE_FLOOR,
  triage,
  triageSequential,
  rotation,
  impact,
  impactBaseline,
  coldStart: {
    ms: summarize(cold.map((c) => c.ms)),
    bareNodeMs: summarize(cold.map((c) => c.bareNodeMs)),
  },
  bundle,
  match1000RulesMs: summarize(match),
  totalSeconds: Math.round((performance.now() - began) / 1000),
};

writeFileSync(join(PROJECT_ROOT, options.out), renderReport(results));
progress(`wrote ${options.out}`);
if (options.json) process.stdout.write(`${JSON.stringify(jsonSummary(results), null, 2)}\n`);
