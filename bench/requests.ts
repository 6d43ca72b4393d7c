// What a run's request log says about its shape: the critical path in round trips, the most requests in flight at
// once, and requests per service. Pure functions over the sandbox's request log.

/** The fields of a request log entry these figures need (ms since the sandbox started). */
export interface TimedRequest {
  start: number;
  end: number;
  service: string;
}

/**
 * The longest chain of requests r1, r2, …, rk in which each one started no earlier than the previous one ended
 * (r[i+1].start >= r[i].end): requests that had to wait for one another, so at least k round trips end to end.
 * Requests that overlap in time cannot be in one chain. Returns the chain in order (empty for an empty log).
 */
export function criticalPath<T extends TimedRequest>(log: readonly T[]): T[] {
  // Sorted by start (then end), a request can only follow one earlier in this order; O(n²) is fine for run logs.
  const sorted = [...log].sort((a, b) => a.start - b.start || a.end - b.end);
  const length: number[] = [];
  const previous: number[] = [];
  let last = -1;
  for (let i = 0; i < sorted.length; i++) {
    const r = sorted[i] as T;
    length[i] = 1;
    previous[i] = -1;
    for (let j = 0; j < i; j++) {
      const q = sorted[j] as T;
      if (q.end > r.start) continue;
      const longer = (length[j] as number) + 1 - (length[i] as number);
      // Between equally long chains, the one whose last request ended latest is what this request waited for.
      if (longer > 0 || (longer === 0 && q.end > (sorted[previous[i] as number] as T).end)) {
        length[i] = (length[j] as number) + 1;
        previous[i] = j;
      }
    }
    if (last < 0 || (length[i] as number) > (length[last] as number)) last = i;
  }
  const chain: T[] = [];
  for (let i = last; i >= 0; i = previous[i] as number) chain.unshift(sorted[i] as T);
  return chain;
}

/** The most requests in flight at one instant; one ending exactly when another starts does not overlap it. */
export function maxInFlight(log: readonly TimedRequest[]): number {
  const events = log.flatMap((r) => [
    { at: r.start, delta: 1 },
    { at: r.end, delta: -1 },
  ]);
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let now = 0;
  let most = 0;
  for (const e of events) {
    now += e.delta;
    most = Math.max(most, now);
  }
  return most;
}

/** Requests per service, services in first-seen order. */
export function countByService(log: readonly TimedRequest[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of log) counts[r.service] = (counts[r.service] ?? 0) + 1;
  return counts;
}
