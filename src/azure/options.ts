// The one options object every Azure client gets. In production, proxies (HTTPS_PROXY/NO_PROXY) and extra CAs
// (NODE_EXTRA_CA_CERTS) come from the environment, as the SDK reads them by default; an embedding program
// (the sandbox, a benchmark) may supply its own agent and retry timings.
import type { Agent } from 'node:https';

export interface AzureClientOptions {
  userAgentOptions: { userAgentPrefix: string };
  retryOptions: { maxRetries: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
  agent?: Agent;
}

export type AzureClientOverrides = Partial<Pick<AzureClientOptions, 'retryOptions' | 'agent'>>;

export const USER_AGENT = 'kv-alert-playbook/0.1.0';

export function azureClientOptions(overrides: AzureClientOverrides = {}): AzureClientOptions {
  return { userAgentOptions: { userAgentPrefix: USER_AGENT }, retryOptions: { maxRetries: 3 }, ...overrides };
}
