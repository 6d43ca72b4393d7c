// npm run bench options. Run counts are options so a fresh clone finishes in minutes on 2 cores by default, and a
// longer run can take more samples or the 500-secret sequential baseline.
export interface BenchOptions {
  json: boolean;
  latencyMs: number;
  /** Samples for triage (each concurrency), cold start and rotation below LONG_ROTATION secrets. */
  runs: number;
  /** Samples for rotation of LONG_ROTATION secrets or more (each concurrency). */
  longRuns: number;
  rotationSizes: number[];
  /** Sizes whose concurrency-1 baseline is measured (the 500-secret one alone takes minutes). */
  sequentialSizes: number[];
  impactRecords: number;
  impactBaselineRecords: number;
  out: string;
}

export const LONG_ROTATION = 100;

const USAGE = `usage: npm run bench -- [--json] [--latency <ms>] [--runs <n>] [--long-runs <n>] [--rotation-sizes 10,100,500]
       [--sequential-sizes 10,100] [--impact-records 100000] [--out BENCHMARKS.md]`;

function count(name: string, raw: string | undefined, min: number): number {
  const n = Number(raw);
  if (raw === undefined || !Number.isInteger(n) || n < min)
    throw new Error(`${name} needs a whole number ≥ ${min}\n${USAGE}`);
  return n;
}

function sizes(name: string, raw: string | undefined): number[] {
  if (raw === undefined) throw new Error(`${name} needs a comma-separated list of sizes\n${USAGE}`);
  if (raw.trim() === '') return [];
  return raw.split(',').map((s) => count(name, s.trim(), 1));
}

export function parseArgs(argv: readonly string[]): BenchOptions {
  const options: BenchOptions = {
    json: false,
    latencyMs: 50,
    runs: 5,
    longRuns: 1,
    rotationSizes: [10, 100, 500],
    sequentialSizes: [10, 100],
    impactRecords: 100_000,
    impactBaselineRecords: 1_000,
    out: 'BENCHMARKS.md',
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => argv[++i];
    switch (arg) {
      case '--json':
        options.json = true;
        break;
      case '--latency':
        options.latencyMs = count(arg, value(), 0);
        break;
      case '--runs':
        options.runs = count(arg, value(), 1);
        break;
      case '--long-runs':
        options.longRuns = count(arg, value(), 1);
        break;
      case '--rotation-sizes':
        options.rotationSizes = sizes(arg, value());
        break;
      case '--sequential-sizes':
        options.sequentialSizes = sizes(arg, value());
        break;
      case '--impact-records':
        options.impactRecords = count(arg, value(), 1);
        break;
      case '--out':
        options.out = value() ?? '';
        if (!options.out) throw new Error(`--out needs a file name\n${USAGE}`);
        break;
      case '--help':
        throw new Error(USAGE);
      default:
        throw new Error(`unknown option ${arg}\n${USAGE}`);
    }
  }
  return options;
}
