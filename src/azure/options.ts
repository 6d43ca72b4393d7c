// The one options object every Azure client gets. In production, proxies (HTTPS_PROXY/NO_PROXY) and extra CAs
// (NODE_EXTRA_CA_CERTS) come from the environment, as the SDK reads them by default; an embedding program
// (the sandbox, a benchmark) may supply its own agent and retry timings.
import type { Agent } from 'node:https';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { createClientLogger } from '@azure/logger';
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

/** Our own namespace in the Azure SDK's log (see src/action/debug-log.ts): one line per request, no dumps. */
export const REQUEST_LOG_NAMESPACE = 'kv-alert-playbook';
const requestLog = createClientLogger(REQUEST_LOG_NAMESPACE);

/** One line per attempt, method, host, path and outcome: the query (filters naming principals) and headers stay out. */
function requestLogPolicy(): PipelinePolicy {
  return {
    name: 'kvAlertPlaybookRequestLog',
    sendRequest: async (request, next) => {
      const url = new URL(request.url);
      const call = `${request.method} ${url.host}${url.pathname}`;
      const started = Date.now();
      try {
        const response = await next(request);
        requestLog.info(`${call}: ${response.status} in ${Date.now() - started} ms`);
        return response;
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        requestLog.info(
          `${call}: no response after ${Date.now() - started} ms (${typeof code === 'string' ? code : 'error'})`,
        );
        throw error;
      }
    },
  };
}

export function azureClientOptions(overrides: AzureClientOverrides = {}): AzureClientOptions {
  return {
    userAgentOptions: { userAgentPrefix: USER_AGENT },
    retryOptions: { maxRetries: 3 },
    additionalPolicies: [
      { policy: timeoutPolicy(requestTimeoutMs()), position: 'perRetry' },
      { policy: requestLogPolicy(), position: 'perRetry' },
    ],
    ...overrides,
  };
}
