// ARM resource ids named by an alert. Matched case-insensitively (Defender sends `/SUBSCRIPTIONS/…/microsoft.keyvault/…`);
// the id itself is returned exactly as given.
import type { AlertVault } from './types.js';

// Resource group: 1–90 of letters, digits, '_', '-', '.', '(', ')' (Unicode letters allowed), not ending in '.'.
const RESOURCE_GROUP = /^[\p{L}\p{N}_().-]{0,89}[\p{L}\p{N}_()-]$/u;
// Subscription: a GUID in Azure; samples zero it out irregularly, so accept hex-and-hyphen ids and let ARM decide.
const SUBSCRIPTION = /^[0-9a-f][0-9a-f-]{0,63}$/i;
// Vault name: 3–24 letters, digits and single hyphens; starts with a letter, ends with a letter or digit.
const VAULT_NAME = /^(?=.{3,24}$)[A-Za-z](?:-?[A-Za-z0-9])*$/;

const VAULT_ID =
  /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/microsoft\.keyvault\/vaults\/([^/]+)\/?$/i;

/** The vault named by a Key Vault resource id, or undefined when the text is not exactly one. */
export function parseVaultResourceId(text: string): AlertVault | undefined {
  const resourceId = text.trim();
  if (resourceId.length > 512) return undefined;
  const m = VAULT_ID.exec(resourceId);
  if (!m) return undefined;
  const [, subscriptionId, resourceGroup, name] = m as unknown as [string, string, string, string];
  if (!SUBSCRIPTION.test(subscriptionId) || !RESOURCE_GROUP.test(resourceGroup) || !VAULT_NAME.test(name)) {
    return undefined;
  }
  return { name, resourceId: resourceId.replace(/\/$/, ''), subscriptionId, resourceGroup };
}

/** Builds a vault id from parts (when the alert names the vault only by CompromisedEntity); undefined if invalid. */
export function buildVault(subscriptionId: string, resourceGroup: string, name: string): AlertVault | undefined {
  return parseVaultResourceId(
    `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.KeyVault/vaults/${name}`,
  );
}

const ALERT_ID =
  /^\/subscriptions\/([^/]+)\/(?:resourcegroups\/([^/]+)\/)?providers\/microsoft\.security\/locations\/[A-Za-z0-9]{1,64}\/alerts\/([A-Za-z0-9][A-Za-z0-9_.-]{0,255})$/i;

/** A Defender alert resource id (`…/providers/Microsoft.Security/locations/{loc}/alerts/{name}`), parsed. */
export function parseAlertResourceId(
  text: string,
): { subscriptionId: string; resourceGroup?: string; name: string } | undefined {
  const m = ALERT_ID.exec(text.trim());
  if (!m) return undefined;
  const [, subscriptionId, resourceGroup, name] = m as unknown as [string, string, string | undefined, string];
  if (!SUBSCRIPTION.test(subscriptionId) || (resourceGroup !== undefined && !RESOURCE_GROUP.test(resourceGroup))) {
    return undefined;
  }
  return resourceGroup === undefined ? { subscriptionId, name } : { subscriptionId, resourceGroup, name };
}
