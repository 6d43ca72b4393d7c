// Reads and writes the vault through ARM (control plane: not subject to the vault firewall).
import { KeyVaultManagementClient, type Vault } from '@azure/arm-keyvault';
import type { AlertVault } from '../alert/types.js';
import { UserError, errorMessage } from '../errors.js';
import type { AccessPolicyEntry, VaultState } from '../findings/types.js';
import type { NetworkRules } from '../plan/firewall.js';
import type { AzureContext } from './context.js';

export function vaultClient(az: AzureContext, subscriptionId: string): KeyVaultManagementClient {
  return new KeyVaultManagementClient(az.credential, subscriptionId, {
    ...az.options,
    endpoint: az.cloud.armEndpoint,
    // An explicit endpoint would otherwise become the token scope.
    credentials: { scopes: [az.cloud.armScope] },
  });
}

function toNetworkRules(vault: Vault): NetworkRules {
  const acls = vault.properties.networkAcls;
  return {
    defaultAction: acls?.defaultAction === 'Deny' ? 'Deny' : 'Allow',
    bypass: acls?.bypass === 'None' ? 'None' : 'AzureServices',
    ipRules: (acls?.ipRules ?? []).map((r) => r.value),
    virtualNetworkRules: (acls?.virtualNetworkRules ?? []).map((r) => r.id),
  };
}

function toAccessPolicy(entry: NonNullable<Vault['properties']['accessPolicies']>[number]): AccessPolicyEntry {
  const p = entry.permissions;
  const lower = (list: readonly string[] | undefined) => (list ?? []).map((s) => s.toLowerCase());
  return {
    tenantId: entry.tenantId,
    objectId: entry.objectId,
    ...(entry.applicationId ? { applicationId: entry.applicationId } : {}),
    permissions: {
      keys: lower(p.keys),
      secrets: lower(p.secrets),
      certificates: lower(p.certificates),
      storage: lower(p.storage),
    },
  };
}

export function toVaultState(vault: Vault, resourceId: string): VaultState {
  const p = vault.properties;
  return {
    resourceId,
    name: vault.name ?? '',
    tenantId: p.tenantId,
    location: vault.location ?? '',
    vaultUri: p.vaultUri ?? '',
    enableRbacAuthorization: p.enableRbacAuthorization === true,
    // Soft delete is on unless explicitly off (it cannot be turned off on new vaults).
    softDeleteEnabled: p.enableSoftDelete !== false,
    networkAcls: toNetworkRules(vault),
    accessPolicies: (p.accessPolicies ?? []).map(toAccessPolicy),
  };
}

export async function readVault(az: AzureContext, vault: AlertVault): Promise<VaultState> {
  try {
    const found = await vaultClient(az, vault.subscriptionId).vaults.get(vault.resourceGroup, vault.name);
    return toVaultState(found, vault.resourceId);
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 404) {
      throw new UserError(
        `vault ${vault.name}: not found in resource group ${vault.resourceGroup} of subscription ${vault.subscriptionId}`,
      );
    }
    throw new UserError(`vault ${vault.name}: could not read it: ${errorMessage(error)}`);
  }
}
