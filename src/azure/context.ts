// What every Azure adapter needs: the cloud, a credential and the client options. Built once per run.
import type { TokenCredential } from '@azure/core-auth';
import type { Cloud } from './cloud.js';
import { azureClientOptions, type AzureClientOptions, type AzureClientOverrides } from './options.js';
import { createArmClient, type ArmClient } from './arm.js';

export interface AzureContext {
  cloud: Cloud;
  credential: TokenCredential;
  options: AzureClientOptions;
  arm: ArmClient;
}

export function createAzureContext(cloud: Cloud, credential: TokenCredential, overrides?: AzureClientOverrides) {
  const options = azureClientOptions(overrides);
  return { cloud, credential, options, arm: createArmClient(cloud, credential, options) } satisfies AzureContext;
}
