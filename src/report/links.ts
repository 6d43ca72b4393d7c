// Links we build ourselves. Only validated identifiers go into a URL, each segment percent-encoded, so alert
// text can never choose where a link points.
import { parseVaultResourceId } from '../alert/resource-id.js';

/** encodeURIComponent plus the characters it leaves that could end a markdown link destination. */
function segment(value: string): string {
  return encodeURIComponent(value).replace(/[()'!*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The portal base from our cloud table; anything else is a programming error. */
function portalBase(portal: string): string {
  if (!/^https:\/\/[a-z0-9.-]+$/i.test(portal)) throw new Error(`portal base '${portal}' is not an https origin`);
  return portal;
}

/** The vault's page in the portal, or undefined when the alert's resource id is not a Key Vault id. */
export function vaultPortalUrl(portal: string, resourceId: string): string | undefined {
  const vault = parseVaultResourceId(resourceId);
  if (!vault) return undefined;
  const path =
    `/subscriptions/${segment(vault.subscriptionId)}/resourceGroups/${segment(vault.resourceGroup)}` +
    `/providers/Microsoft.KeyVault/vaults/${segment(vault.name)}`;
  return `${portalBase(portal)}/#@/resource${path}`;
}

/**
 * Defender for Cloud's security alerts view. The normalised alert has no location, which the alert's own deep
 * link needs, so the reader finds the alert there by its id.
 */
export function securityAlertsUrl(portal: string): string {
  return `${portalBase(portal)}/#blade/Microsoft_Azure_Security/SecurityMenuBlade/7`;
}

/** A run URL we built (https, no characters that could end a link); undefined otherwise. */
export function safeRunUrl(url: string | undefined): string | undefined {
  return url !== undefined && /^https:\/\/[A-Za-z0-9.-]+(?::\d+)?\/[A-Za-z0-9._~/%-]*$/.test(url) ? url : undefined;
}
