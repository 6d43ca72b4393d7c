// The one options object every Azure client gets. In production, proxies (HTTPS_PROXY/NO_PROXY) and extra CAs
// (NODE_EXTRA_CA_CERTS) come from the environment, as the SDK reads them by default; an embedding program
// (the sandbox, a benchmark) may supply its own agent and retry timings.
import type { Agent } from 'node:https';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { requestTimeoutMs } from '../request-timeout.js';

export interface AzureClientOptions {
  userAgentOptions: { userAgentPrefix: string };
  retryOptions: { maxRetries: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
  additionalPolicies: { policy: PipelinePolicy; position: 'perRetry' }[];
  agent?: Agent;
}

export type AzureClientOverrides = Partial<Pick<AzureClientOptions, 'retryOptions' | 'agent'>>;

export const USER_AGENT = 'kv-alert-playbook/0.1.0';

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
