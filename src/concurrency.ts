// How many independent requests the action keeps in flight. KV_ALERT_PLAYBOOK_CONCURRENCY=1 runs independent work
// one piece after the other: for debugging (one request at a time in the logs) and for the sequential benchmark
// baseline. Unset: independent work runs at once (triage) or at the caller's default (rotation).
import { UserError } from './errors.js';

export const CONCURRENCY_ENV = 'KV_ALERT_PLAYBOOK_CONCURRENCY';

/** The configured limit, or undefined when the variable is unset or empty. */
export function configuredConcurrency(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env[CONCURRENCY_ENV]?.trim();
  if (!raw) return undefined;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || limit < 1) {
    throw new UserError(`${CONCURRENCY_ENV} must be a whole number of at least 1, not '${raw}'`);
  }
  return limit;
}

/** Runs `work` over the items with at most `limit` in flight; results keep the items' order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** Runs independent tasks with at most `limit` at once (all at once when undefined); results in the tasks' order. */
export async function runAll<T extends readonly unknown[]>(
  tasks: { readonly [K in keyof T]: () => Promise<T[K]> },
  limit: number | undefined,
): Promise<T> {
  const list = tasks as readonly (() => Promise<unknown>)[];
  const results = await mapLimit(list, limit ?? list.length, (task) => task());
  return results as unknown as T;
}
