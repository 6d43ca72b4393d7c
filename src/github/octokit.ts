// Octokit with GitHub's rate limits respected: throttling spaces content-creating requests and waits out
// primary and secondary limits (retry-after, else x-ratelimit-reset); retry handles 5xx and requests that got no
// answer within the request timeout.
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import type { Logger } from '../log.js';
import { RequestTimeoutError, requestTimeoutMs } from '../request-timeout.js';

export type Octokit = ReturnType<typeof getOctokit>;

const MAX_RATE_LIMIT_RETRIES = 3;

// Statuses whose answer has no body (a Response refuses one).
const NULL_BODY_STATUSES = new Set([204, 205, 304]);

/**
 * fetch with a deadline for the whole answer, body included: Octokit reads a body that stops arriving as empty,
 * so the body is read here. Octokit turns the timeout into a RequestError (status 500, with the request), which
 * the retry plugin retries like any 5xx: each attempt gets its own deadline.
 */
function fetchWithTimeout(fetch: typeof globalThis.fetch, ms: number): typeof globalThis.fetch {
  return async (url, init) => {
    const timeout = AbortSignal.timeout(ms);
    try {
      const response = await fetch(url, {
        ...init,
        signal: init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout,
      });
      const body = NULL_BODY_STATUSES.has(response.status) ? null : await response.arrayBuffer();
      const buffered = new Response(body, response);
      Object.defineProperty(buffered, 'url', { value: response.url });
      return buffered;
    } catch (error) {
      throw timeout.aborted ? new RequestTimeoutError(ms) : error;
    }
  };
}

export function createOctokit(token: string, log: Logger, baseUrl?: string): Octokit {
  const octokit = getOctokit(
    token,
    {
      ...(baseUrl ? { baseUrl } : {}),
      throttle: {
        onRateLimit: (
          retryAfter: number,
          options: { method: string; url: string },
          _o: unknown,
          retryCount: number,
        ) => {
          log.warning(`GitHub rate limit on ${options.method} ${options.url}: retrying in ${retryAfter}s`);
          return retryCount < MAX_RATE_LIMIT_RETRIES;
        },
        onSecondaryRateLimit: (
          retryAfter: number,
          options: { method: string; url: string },
          _o: unknown,
          retryCount: number,
        ) => {
          log.warning(`GitHub secondary rate limit on ${options.method} ${options.url}: retrying in ${retryAfter}s`);
          return retryCount < MAX_RATE_LIMIT_RETRIES;
        },
      },
    },
    retry,
    throttling,
  );
  // Hooks share one options object per request, so this runs once and the retries below reuse its fetch.
  const ms = requestTimeoutMs();
  octokit.hook.before('request', (options) => {
    const fetch = (options.request?.fetch as typeof globalThis.fetch | undefined) ?? globalThis.fetch;
    options.request = { ...options.request, fetch: fetchWithTimeout(fetch, ms) };
  });
  // The route template (`/repos/{owner}/{repo}/issues`), never the token: shown with step debug logging only.
  octokit.hook.after('request', (response, options) =>
    log.debug(`GitHub ${options.method} ${options.url}: ${response.status}`),
  );
  return octokit;
}
