// The Azure context of an action run, from its inputs: OIDC with the job's GitHub ID token when a client and
// tenant id are given, else the default credential chain; in the cloud the `cloud` input names.
import { resolveCloud } from '../azure/cloud.js';
import { createAzureContext, type AzureContext } from '../azure/context.js';
import { createCredential } from '../azure/credential.js';
import { getIdToken } from '../github/id-token.js';
import type { Logger } from '../log.js';
import type { ActionInputs } from './inputs.js';

export function azureFromInputs(inputs: ActionInputs, log: Logger): AzureContext {
  const cloud = resolveCloud(inputs.cloud);
  const credential = createCredential({
    cloud,
    ...(inputs.azureClientId ? { clientId: inputs.azureClientId } : {}),
    ...(inputs.azureTenantId ? { tenantId: inputs.azureTenantId } : {}),
    getIdToken: (audience) => getIdToken(audience),
    log,
  });
  return createAzureContext(cloud, credential);
}
