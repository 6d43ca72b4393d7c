// The one options object every Azure client gets. In production, proxies (HTTPS_PROXY/NO_PROXY) and extra CAs
// (NODE_EXTRA_CA_CERTS) come from the environment, as the SDK reads them by default; an embedding program
// (the sandbox, a benchmark) may supply its own agent and retry timings.
import type { Agent } from 'node:https';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { UserError } from '../errors.js';

export interface AzureClientOptions {
  userAgentOptions: { userAgentPrefix: string };
  retryOptions: { maxRetries: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
  additionalPolicies: { policy: PipelinePolicy; position: 'perRetry' }[];
  agent?: Agent;
}

export type AzureClientOverrides = Partial<Pick<AzureClientOptions, 'retryOptions' | 'agent'>>;

export const USER_AGENT = 'kv-alert-playbook/0.1.0';

export const REQUEST_TIMEOUT_ENV = 'KV_ALERT_PLAYBOOK_REQUEST_TIMEOUT_MS';
const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/** How long one Azure request may take before it is abandoned (the SDKs wait forever by default). */
export function requestTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[REQUEST_TIMEOUT_ENV]?.trim();
  if (!raw) return DEFAULT_REQUEST_TIMEOUT_MS;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 1) {
    throw new UserError(`${REQUEST_TIMEOUT_ENV} must be a whole number of milliseconds, not '${raw}'`);
  }
  return ms;
}

/** Gives every attempt a timeout, so a service that never answers fails the call instead of hanging the job. */
function timeoutPolicy(ms: number): PipelinePolicy {
  return {
    name: 'kvAlertPlaybookRequestTimeout',
    sendRequest: (request, next) => {
      if (!request.timeout) request.timeout = ms;
      return next(request);
    },
  };
}

export function azureClientOptions(overrides: AzureClientOverrides = {}): AzureClientOptions {
  return {
    userAgentOptions: { userAgentPrefix: USER_AGENT },
    retryOptions: { maxRetries: 3 },
    additionalPolicies: [{ policy: timeoutPolicy(requestTimeoutMs()), position: 'perRetry' }],
    ...overrides,
  };
}
