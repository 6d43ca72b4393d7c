// Fault and latency injection: rules matched per request by service, method and path, selected by count or by
// a seeded probability, so a run with the same seed and the same requests injects the same faults.
import { deriveSeed, seededRandom, type Random } from './prng.js';
import type { ServiceName } from './types.js';

export type Fault =
  /** Answer with this status instead of the handler (e.g. 429, 500, 503), optionally with a retry hint. */
  | {
      kind: 'status';
      status: number;
      retryAfterSeconds?: number;
      retryAfterMs?: number;
      headers?: Record<string, string>;
      body?: unknown;
    }
  /** Reset the TCP connection without answering. */
  | { kind: 'reset' }
  /** Never answer; the client's timeout (or the sandbox's close()) ends it. */
  | { kind: 'hang' }
  /** Delay the handler's answer by ms plus a seeded uniform jitter in [0, jitterMs). */
  | { kind: 'latency'; ms: number; jitterMs?: number };

export interface FaultRule {
  /** Shown in the request log's `fault`; defaults to `rule<N>`. */
  name?: string;
  service?: ServiceName;
  /** Case-insensitive HTTP method. */
  method?: string;
  /** Regular expression (source text or RegExp) tested against the path and query. */
  path?: string | RegExp;
  fault: Fault;
  /** Only the first N matching requests. */
  first?: number;
  /** Only the Nth matching request (1-based). */
  nth?: number;
  /** Each matching request with this probability, drawn from a PRNG seeded by the sandbox seed and the name. */
  probability?: number;
}

export interface FaultDecision {
  latencyMs: number;
  /** The answering fault (status, reset or hang) and the rule's name, if one fired. */
  fault?: { name: string; fault: Exclude<Fault, { kind: 'latency' }> };
}

interface ActiveRule {
  rule: FaultRule;
  name: string;
  path?: RegExp;
  random: Random;
  matched: number;
  fired: number;
}

export interface FaultRuleStatus {
  name: string;
  matched: number;
  fired: number;
}

export class FaultController {
  private rules: ActiveRule[] = [];
  private counter = 0;

  constructor(
    private readonly seed: number,
    rules: readonly FaultRule[] = [],
  ) {
    for (const rule of rules) this.add(rule);
  }

  /** Adds a rule (evaluated after the existing ones) and returns its name. */
  add(rule: FaultRule): string {
    this.counter += 1;
    const name = rule.name ?? `rule${this.counter}`;
    if (this.rules.some((r) => r.name === name)) throw new Error(`sandbox: fault rule '${name}' already exists`);
    if (rule.probability !== undefined && !(rule.probability >= 0 && rule.probability <= 1)) {
      throw new Error(`sandbox: fault rule '${name}': probability must be between 0 and 1`);
    }
    const path =
      rule.path === undefined ? undefined : typeof rule.path === 'string' ? new RegExp(rule.path) : rule.path;
    this.rules.push({ rule, name, path, random: seededRandom(deriveSeed(this.seed, name)), matched: 0, fired: 0 });
    return name;
  }

  remove(name: string): void {
    this.rules = this.rules.filter((r) => r.name !== name);
  }

  clear(): void {
    this.rules = [];
  }

  /** How often each rule matched a request and how often it fired. */
  status(): FaultRuleStatus[] {
    return this.rules.map(({ name, matched, fired }) => ({ name, matched, fired }));
  }

  /** Latency rules add up; the first status/reset/hang rule that fires answers instead of the handler. */
  decide(service: ServiceName, method: string, path: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0 };
    for (const active of this.rules) {
      const { rule } = active;
      if (rule.service !== undefined && rule.service !== service) continue;
      if (rule.method !== undefined && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (active.path && !active.path.test(path)) continue;
      const fault = rule.fault;
      if (fault.kind !== 'latency' && decision.fault) continue;
      active.matched += 1;
      if (!this.selects(active)) continue;
      active.fired += 1;
      if (fault.kind === 'latency')
        decision.latencyMs += fault.ms + (fault.jitterMs ? active.random() * fault.jitterMs : 0);
      else decision.fault = { name: active.name, fault };
    }
    return decision;
  }

  private selects(active: ActiveRule): boolean {
    const { rule, matched } = active;
    if (rule.nth !== undefined && matched !== rule.nth) return false;
    if (rule.first !== undefined && matched > rule.first) return false;
    if (rule.probability !== undefined && active.random() >= rule.probability) return false;
    return true;
  }
}
