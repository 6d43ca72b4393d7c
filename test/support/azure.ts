// The responder's Azure context against the sandbox, built as a new process (a run, or a re-run after a crash)
// builds it: its own credential (the scenario's client secret) and clients, the sandbox's proxy and CA.
import { ClientSecretCredential } from '@azure/identity';
import { resolveCloud } from '../../src/azure/cloud.js';
import { createAzureContext, type AzureContext } from '../../src/azure/context.js';
import type { Sandbox } from '../sandbox/index.js';

/** `retries: false` makes the first failure final, for tests of what a refused call leaves behind. */
export function responderAzure(sandbox: Sandbox, options: { retries?: boolean } = {}): AzureContext {
  const identity = sandbox.scenario.azure.identities?.find((i) => i.displayName === 'kv-alert-playbook');
  const secret = identity?.clientSecrets?.[0];
  if (!identity?.appId || !secret) throw new Error(`scenario ${sandbox.scenario.name} has no responder with a secret`);
  const { agent, retryOptions: sandboxRetries } = sandbox.azureClientOptions();
  const retryOptions = options.retries === false ? { ...sandboxRetries, maxRetries: 0 } : sandboxRetries;
  const credential = new ClientSecretCredential(sandbox.scenario.azure.tenantId, identity.appId, secret, {
    agent,
    retryOptions,
  });
  return createAzureContext(resolveCloud('public'), credential, { agent, retryOptions });
}
