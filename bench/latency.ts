// The per-request latency every benchmark injects at the fakes (all services), so round trips cost what they would
// against a distant service and the figures are about the number of sequential round trips, not loopback speed.
import type { FaultRule } from '../test/sandbox/core/faults.js';

export function latencyRule(ms: number): FaultRule {
  return { name: 'bench-latency', fault: { kind: 'latency', ms } };
}
