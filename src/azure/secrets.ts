// Key Vault data-plane clients (secrets, keys, certificates) for one vault, with the run's client options.
// The clients take their token scope and tenant from the vault's 401 challenge, so only the URL depends on the cloud.
import { CertificateClient } from '@azure/keyvault-certificates';
import { KeyClient } from '@azure/keyvault-keys';
import { SecretClient } from '@azure/keyvault-secrets';
import { vaultUrl } from './cloud.js';
import type { AzureContext } from './context.js';

export function secretClient(az: AzureContext, vaultName: string): SecretClient {
  return new SecretClient(vaultUrl(az.cloud, vaultName), az.credential, az.options);
}

export function keyClient(az: AzureContext, vaultName: string): KeyClient {
  return new KeyClient(vaultUrl(az.cloud, vaultName), az.credential, az.options);
}

export function certificateClient(az: AzureContext, vaultName: string): CertificateClient {
  return new CertificateClient(vaultUrl(az.cloud, vaultName), az.credential, az.options);
}
