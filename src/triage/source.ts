// identify-source (guide step 1): who called, from where, and what access they hold on the vault.
import type { Alert } from '../alert/types.js';
import type { AzureContext } from '../azure/context.js';
import { listPrincipalRoleAssignments } from '../azure/roles.js';
import { readVault } from '../azure/vault.js';
import { errorMessage } from '../errors.js';
import type { PrincipalFindings, SourceFindings, Unavailable, VaultState } from '../findings/types.js';
import type { Cidr } from '../net/ip.js';
import { sourceKind } from '../playbook/index.js';
import { classifyIp, type ServiceTagIndex } from '../source/ip-class.js';

export interface SourceInputs {
  alert: Alert;
  networks: ReadonlyMap<string, readonly Cidr[]>;
  serviceTags?: ServiceTagIndex;
  /** The object id the action runs as (never planned for removal); undefined when it could not be told. */
  selfObjectId?: string;
}

const sameId = (a: string | undefined, b: string | undefined) =>
  a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

function classify(inputs: SourceInputs, vault: VaultState | undefined): SourceFindings['ip'] {
  const ip = inputs.alert.source.ip;
  if (!ip) return undefined;
  const c = classifyIp({
    ip,
    networks: Object.fromEntries(inputs.networks),
    ...(vault ? { allowList: vault.networkAcls.ipRules } : {}),
    ...(inputs.serviceTags ? { serviceTags: inputs.serviceTags } : {}),
  });
  const classes: string[] = [
    ...c.classes.filter((k) => k !== 'playbook-network' && k !== 'azure'),
    ...c.networks.map((n) => `network:${n}`),
    ...c.serviceTags.map((t) => `azure:${t.name}`),
  ];
  return { address: c.ip, classes, explanation: c.explanation };
}

async function principalFindings(
  az: AzureContext,
  inputs: SourceInputs,
  vault: VaultState,
  unavailable: Unavailable[],
): Promise<PrincipalFindings | undefined> {
  const objectId = inputs.alert.source.objectId;
  if (!objectId) return undefined;
  const accessPolicy = vault.accessPolicies.find((p) => sameId(p.objectId, objectId));
  let roleAssignments: PrincipalFindings['roleAssignments'] = { vault: [], inherited: [] };
  try {
    roleAssignments = await listPrincipalRoleAssignments(az, vault.resourceId, objectId);
  } catch (error) {
    unavailable.push({ what: 'role assignments', reason: errorMessage(error) });
  }
  return {
    objectId,
    isSelf: sameId(objectId, inputs.selfObjectId),
    ...(accessPolicy ? { accessPolicy } : {}),
    roleAssignments,
  };
}

export async function identifySource(az: AzureContext | undefined, inputs: SourceInputs): Promise<SourceFindings> {
  const { alert } = inputs;
  const unavailable: Unavailable[] = [];
  let vault: VaultState | undefined;
  if (az) {
    try {
      vault = await readVault(az, alert.vault);
    } catch (error) {
      unavailable.push({ what: 'vault state', reason: errorMessage(error) });
    }
  } else {
    unavailable.push({ what: 'vault state', reason: 'Azure reads were skipped (--no-azure)' });
  }
  const tenantRelation =
    !alert.source.tenantId || !vault ? 'unknown' : sameId(alert.source.tenantId, vault.tenantId) ? 'same' : 'different';
  const principal = az && vault ? await principalFindings(az, inputs, vault, unavailable) : undefined;
  return {
    kind: sourceKind(alert),
    ip: classify(inputs, vault),
    tenant: {
      ...(alert.source.tenantId ? { alert: alert.source.tenantId } : {}),
      ...(vault ? { vault: vault.tenantId } : {}),
      relation: tenantRelation,
    },
    ...(principal ? { principal } : {}),
    ...(vault ? { vault } : {}),
    unavailable,
  };
}
