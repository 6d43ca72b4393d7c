// One timeout for every outbound request (Azure, GitHub REST, the GitHub OIDC token): the SDKs, Octokit and
// @actions/core wait forever by default, so a service that never answers would hold the job until timeout-minutes.
import { UserError } from './errors.js';

export const REQUEST_TIMEOUT_ENV = 'KV_ALERT_PLAYBOOK_REQUEST_TIMEOUT_MS';
const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/** How long one request may take before it is abandoned. */
export function requestTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[REQUEST_TIMEOUT_ENV]?.trim();
  if (!raw) return DEFAULT_REQUEST_TIMEOUT_MS;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 1) {
    throw new UserError(`${REQUEST_TIMEOUT_ENV} must be a whole number of milliseconds, not '${raw}'`);
  }
  return ms;
}

/** A request abandoned at the timeout. Not named AbortError: Octokit passes those on without the request. */
export class RequestTimeoutError extends Error {
  override name = 'RequestTimeoutError';
  constructor(ms: number) {
    super(`no answer within ${ms / 1000} s`);
  }
}
