// How the rotate executors call Key Vault: a bounded retry for throttling the SDK does not retry, bounded
// concurrency, and reading an SDK error without ever touching the request (which carries secret values).
import type { AzureClientOptions } from '../azure/options.js';

/** The SDK's own defaults, used when the run's retry options leave them unset. */
const DEFAULT_DELAY_MS = 1000;
const DEFAULT_MAX_DELAY_MS = 64_000;

export type RetryTimings = AzureClientOptions['retryOptions'];

export function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | undefined)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** The service's error code (e.g. SecretNotFound), if the error carries one. */
export function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isNotFound(error: unknown): boolean {
  return statusOf(error) === 404;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Exponential back-off with full jitter, from the run's retry timings. */
export function backoffMs(attempt: number, timings: RetryTimings): number {
  const base = timings.retryDelayInMs ?? DEFAULT_DELAY_MS;
  const cap = timings.maxRetryDelayInMs ?? DEFAULT_MAX_DELAY_MS;
  const ceiling = Math.min(cap, base * 2 ** attempt);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/**
 * Retries a call the service throttled (429). The SDK already waits and retries when the answer names a
 * Retry-After; a 429 without one reaches us at once, so back off here, a bounded number of times. A throttled
 * request was not carried out, so repeating it (even a create) cannot apply it twice.
 */
export async function retryThrottled<T>(call: () => Promise<T>, timings: RetryTimings): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (statusOf(error) !== 429 || attempt >= timings.maxRetries) throw error;
      await sleep(backoffMs(attempt, timings));
    }
  }
}

/** Every item of an SDK page iterator (one listing, retried as a whole by the caller). */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** An SDK error as one line (Key Vault messages span several lines). Only the message: never the request. */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const status = statusOf(error);
  const code = codeOf(error);
  const line = message.replace(/\s+/g, ' ').trim();
  if (status === undefined) return line;
  return code && !line.includes(code) ? `HTTP ${status} ${code}: ${line}` : `HTTP ${status}: ${line}`;
}
