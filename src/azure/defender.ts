// Reads a Defender for Cloud alert back from the Microsoft.Security alerts API, so a gated job acts only on an
// alert Defender really raised (a forged repository_dispatch payload has no such alert).
import type { AzureContext } from './context.js';

const API_VERSION = '2022-01-01';

interface ArmAlert {
  id: string;
  name: string;
  properties: {
    systemAlertId?: string;
    alertType?: string;
    status?: string;
    compromisedEntity?: string;
    resourceIdentifiers?: { type?: string; azureResourceId?: string }[];
  };
}

export interface DefenderAlert {
  /** ARM id of the alert. */
  id: string;
  systemAlertId: string;
  alertType: string;
  /** Active, InProgress, Resolved or Dismissed. */
  status: string;
  /** ARM ids of the Azure resources the alert names. */
  resourceIds: string[];
}

const same = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();

function toDefenderAlert(a: ArmAlert): DefenderAlert {
  const p = a.properties;
  return {
    id: a.id,
    systemAlertId: p.systemAlertId ?? a.name,
    alertType: p.alertType ?? '',
    status: p.status ?? '',
    resourceIds: (p.resourceIdentifiers ?? [])
      .filter((r) => r.type === 'AzureResource' && typeof r.azureResourceId === 'string')
      .map((r) => r.azureResourceId!),
  };
}

/**
 * Finds the alert by its system alert id (or ARM name) among the alerts of the vault's resource group, then of
 * the subscription (Key Vault alerts live under the resource group; the location is not known here).
 */
export async function findDefenderAlert(
  az: AzureContext,
  where: { subscriptionId: string; resourceGroup: string },
  alertId: string,
): Promise<DefenderAlert | undefined> {
  const scopes = [
    `/subscriptions/${where.subscriptionId}/resourceGroups/${where.resourceGroup}`,
    `/subscriptions/${where.subscriptionId}`,
  ];
  for (const scope of scopes) {
    const alerts = await az.arm.list<ArmAlert>(`${scope}/providers/Microsoft.Security/alerts`, API_VERSION);
    const found = alerts.find((a) => same(a.properties.systemAlertId, alertId) || same(a.name, alertId));
    if (found) return toDefenderAlert(found);
  }
  return undefined;
}
