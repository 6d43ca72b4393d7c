// What one `npm run bench` measured: the full results (for BENCHMARKS.md) and the --json object the issue defines.
import type { Summary } from './stats.js';
import type { BundleSize } from './startup.js';

export interface Machine {
  cpus: number;
  cpuModel: string;
  node: string;
  platform: string;
  loadAverage: number[];
  date: string;
  command: string;
}

export interface TriageFigures {
  wallMs: Summary;
  criticalPathRoundTrips: Summary;
  requests: Summary;
  byService: Record<string, number>;
  /** The critical path of the run with the median wall time: `service METHOD path` per round trip. */
  chain: { service: string; method: string; path: string; start: number; end: number }[];
}

export interface RotationFigures {
  n: number;
  concurrency: number;
  wallMs: Summary;
  requests: number;
  maxInFlight: number;
  sequential?: { wallMs: Summary; requests: number; maxInFlight: number };
}

export interface ImpactFigures {
  records: number;
  bytesReturned: number;
  rowsReturned: number;
  queries: number;
}

export interface BenchResults {
  machine: Machine;
  latencyMs: number;
  floor: readonly string[];
  triage: TriageFigures;
  triageSequential: TriageFigures;
  rotation: RotationFigures[];
  impact: ImpactFigures;
  impactBaseline: ImpactFigures;
  coldStart: { ms: Summary; bareNodeMs: Summary };
  bundle: BundleSize;
  match1000RulesMs: Summary;
  totalSeconds: number;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** The object `npm run bench -- --json` prints (medians), in the shape issue 8 specifies. */
export function jsonSummary(r: BenchResults) {
  return {
    latencyMs: r.latencyMs,
    triage: {
      wallMs: round(r.triage.wallMs.median),
      criticalPathRoundTrips: r.triage.criticalPathRoundTrips.median,
      floorRoundTrips: r.floor.length,
      requests: r.triage.requests.median,
    },
    triageSequential: {
      wallMs: round(r.triageSequential.wallMs.median),
      criticalPathRoundTrips: r.triageSequential.criticalPathRoundTrips.median,
    },
    rotation: r.rotation.map((x) => ({
      n: x.n,
      wallMs: round(x.wallMs.median),
      sequentialWallMs: x.sequential ? round(x.sequential.wallMs.median) : null,
      speedup: x.sequential ? round(x.sequential.wallMs.median / x.wallMs.median, 2) : null,
    })),
    impact: { records: r.impact.records, bytesReturned: r.impact.bytesReturned, rowsReturned: r.impact.rowsReturned },
    coldStart: { ms: round(r.coldStart.ms.median), bareNodeMs: round(r.coldStart.bareNodeMs.median) },
    bundle: { bytes: r.bundle.bytes, gzipBytes: r.bundle.gzipBytes },
    match1000RulesMs: round(r.match1000RulesMs.median, 2),
  };
}
