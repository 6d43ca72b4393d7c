// Options that point in-process Azure SDK clients at the sandbox with production URLs: the injected agent dials
// the sandbox for every production host, so each policy (challenge, retry, bearer, redirect) runs as in production
// and the fakes see the production host in `req.url`. A custom agent also wins over HTTPS_PROXY in the SDK.
import type { Agent } from 'node:https';
import type { SandboxCore } from './server.js';

/** Fast retries for tests: same policy as production, shorter waits. */
export const TEST_RETRY_OPTIONS = { maxRetries: 2, retryDelayInMs: 5, maxRetryDelayInMs: 20 } as const;

export interface AzureClientOptions {
  agent: Agent;
  retryOptions: { maxRetries: number; retryDelayInMs: number; maxRetryDelayInMs: number };
}

/**
 * Pass to `SecretClient`, `KeyVaultManagementClient`, `LogsQueryClient` and credentials
 * (`ClientAssertionCredential`, `ClientSecretCredential`) alike.
 */
export function azureClientOptions(
  core: Pick<SandboxCore, 'agent'>,
  retryOptions = TEST_RETRY_OPTIONS,
): AzureClientOptions {
  return { agent: core.agent, retryOptions: { ...retryOptions } };
}
