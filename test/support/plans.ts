// Plan pieces the gate tests share: the TOR vault's open firewall at triage, and the planned firewall end state.
import type { RoleAssignment } from '../../src/findings/types.js';
import type { NetworkRules } from '../../src/plan/firewall.js';
import type { PlanAction } from '../../src/plan/types.js';
import { roleDefinitionId } from '../sandbox/azure/roles.js';
import type { Sandbox } from '../sandbox/index.js';

export const OPEN_FIREWALL: NetworkRules = {
  defaultAction: 'Allow',
  bypass: 'AzureServices',
  ipRules: [],
  virtualNetworkRules: [],
};

/** Deny by default, allowing the vault's known caller 198.51.100.10. */
export const FIREWALL_ON: PlanAction = {
  id: 'remediate-1-firewall',
  kind: 'firewall',
  gate: 'remediate',
  params: {
    after: { defaultAction: 'Deny', bypass: 'AzureServices', ipRules: ['198.51.100.10'], virtualNetworkRules: [] },
    added: ['198.51.100.10'],
    removed: [],
    lockedOut: [],
    skipped: [],
  },
  reason: 'rule access-from-suspicious-ip: deny by default',
};

/** A playbook that only names the gates' environments: all the gate tests need of one. */
export function gatesPlaybook(environments: { remediate?: string; rotate?: string }): string {
  const gates = Object.entries(environments).map(([gate, env]) => `    ${gate}: { environment: ${env} }`);
  return [
    'version: 1',
    'settings:',
    '  gates:',
    ...gates,
    'rules:',
    '  - name: all',
    '    steps: [identify-source]',
    '',
  ].join('\n');
}

/** Secret name → the version the caller read. */
export type ReadVersions = Record<string, string>;

/** Rotate the secrets the caller read and disable the versions it read, as triage plans it. */
export function rotateReadSecrets(read: ReadVersions, id = 'rotate-1-rotate-secrets'): PlanAction {
  return {
    id,
    kind: 'rotate-secrets',
    gate: 'rotate',
    params: {
      secrets: Object.entries(read).map(([name, v]) => ({ name, compromisedVersions: [v] })),
      disable: 'accessed-versions',
      generator: { length: 32, charset: 'alphanumeric' },
      allSecrets: false,
    },
    reason: 'rule access-from-suspicious-ip: rotate the secrets the caller read',
  };
}

/** The plan snapshot's record of those reads. */
export function secretsRead(read: ReadVersions): { name: string; versionsRead: string[] }[] {
  return Object.entries(read).map(([name, v]) => ({ name, versionsRead: [v] }));
}

/** A principal's role assignments in the sandbox as triage reports them (the sandbox names them at random). */
export function plannedAssignments(sandbox: Sandbox, principalId: string): RoleAssignment[] {
  return sandbox.azure.roleAssignments
    .filter((a) => a.principalId === principalId)
    .map((a) => ({
      id: `${a.scope}/providers/Microsoft.Authorization/roleAssignments/${a.name}`,
      principalId: a.principalId,
      roleDefinitionId: roleDefinitionId(sandbox.scenario.azure.subscriptionId, a.role),
      roleName: a.role,
      scope: a.scope,
    }));
}

/** user-on-rbac-vault's firewall at triage: deny by default, the user's network and the known caller allowed. */
export const RBAC_VAULT_FIREWALL: NetworkRules = {
  defaultAction: 'Deny',
  bypass: 'AzureServices',
  ipRules: ['203.0.113.0/24', '198.51.100.10/32'],
  virtualNetworkRules: [],
};

/** user-on-rbac-vault's remediation: the user's network off the allow-list, its role assignments deleted. */
export function userOffRbacVault(objectId: string, assignments: RoleAssignment[]): PlanAction[] {
  return [
    {
      id: 'remediate-1-firewall',
      kind: 'firewall',
      gate: 'remediate',
      params: {
        after: { ...RBAC_VAULT_FIREWALL, ipRules: ['198.51.100.10/32'] },
        added: [],
        removed: ['203.0.113.0/24'],
        lockedOut: [],
        skipped: [],
      },
      reason: "take the user's network off the allow-list",
    },
    {
      id: 'remediate-2-revoke-access',
      kind: 'revoke-access',
      gate: 'remediate',
      params: { objectId, mode: 'remove', deleteRoleAssignments: assignments },
      reason: "delete the user's role assignments at the vault scope",
    },
  ];
}
