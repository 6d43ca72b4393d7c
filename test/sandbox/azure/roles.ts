// The permission model: Azure built-in roles (ids and the action patterns that matter here, from the
// built-in role definitions), assignments inherited down the scope tree, and access-policy checks.
import type { RoleName } from './scenario.js';
import type { AccessPolicy, AzureState, Vault } from './state.js';

interface RoleDefinition {
  id: string;
  /** Control-plane actions (ARM, Log Analytics). */
  actions: string[];
  notActions?: string[];
  /** Data-plane actions (Key Vault). */
  dataActions: string[];
}

export const ROLES: Record<RoleName, RoleDefinition> = {
  Owner: { id: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635', actions: ['*'], dataActions: [] },
  Contributor: {
    id: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
    actions: ['*'],
    notActions: ['Microsoft.Authorization/*/Delete', 'Microsoft.Authorization/*/Write'],
    dataActions: [],
  },
  Reader: { id: 'acdd72a7-3385-48ef-bd42-f606fba81ae7', actions: ['*/read'], dataActions: [] },
  'User Access Administrator': {
    id: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
    actions: ['*/read', 'Microsoft.Authorization/*'],
    dataActions: [],
  },
  // Assigned with a condition in docs/azure-setup.md (no role-assignment writes); conditions are not modelled.
  'Role Based Access Control Administrator': {
    id: 'f58310d9-a9f6-439a-9e8d-f62e7b41a168',
    actions: [
      'Microsoft.Authorization/roleAssignments/write',
      'Microsoft.Authorization/roleAssignments/delete',
      '*/read',
      'Microsoft.Support/*',
    ],
    dataActions: [],
  },
  'Key Vault Administrator': {
    id: '00482a5a-887f-4fb3-b363-3b7fe8e74483',
    actions: ['Microsoft.Authorization/*/read', 'Microsoft.KeyVault/*/read'],
    dataActions: ['Microsoft.KeyVault/vaults/*'],
  },
  'Key Vault Contributor': {
    id: 'f25e0fa2-a7c8-4377-a976-54943a77a395',
    actions: ['Microsoft.Authorization/*/read', 'Microsoft.KeyVault/*', 'Microsoft.Resources/*/read'],
    dataActions: [],
  },
  'Key Vault Reader': {
    id: '21090545-7ca7-4776-b22c-e363652d74d2',
    actions: ['Microsoft.Authorization/*/read', 'Microsoft.KeyVault/*/read'],
    dataActions: ['Microsoft.KeyVault/vaults/*/read', 'Microsoft.KeyVault/vaults/secrets/readMetadata/action'],
  },
  'Key Vault Secrets Officer': {
    id: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
    actions: ['Microsoft.Authorization/*/read', 'Microsoft.KeyVault/vaults/*/read'],
    dataActions: ['Microsoft.KeyVault/vaults/secrets/*'],
  },
  'Key Vault Secrets User': {
    id: '4633458b-17de-408a-b874-0445c86b69e6',
    actions: [],
    dataActions: [
      'Microsoft.KeyVault/vaults/secrets/getSecret/action',
      'Microsoft.KeyVault/vaults/secrets/readMetadata/action',
    ],
  },
  'Key Vault Crypto Officer': {
    id: '14b46e9e-c2b7-41b4-b07b-48a6ebf60603',
    actions: ['Microsoft.Authorization/*/read', 'Microsoft.KeyVault/vaults/*/read'],
    dataActions: ['Microsoft.KeyVault/vaults/keys/*', 'Microsoft.KeyVault/vaults/keyrotationpolicies/*'],
  },
  'Key Vault Certificates Officer': {
    id: 'a4417e6f-fecd-4de8-b567-7b0420556985',
    actions: ['Microsoft.Authorization/*/read', 'Microsoft.KeyVault/vaults/*/read'],
    dataActions: [
      'Microsoft.KeyVault/vaults/certificatecas/*',
      'Microsoft.KeyVault/vaults/certificates/*',
      'Microsoft.KeyVault/vaults/keys/read',
      'Microsoft.KeyVault/vaults/secrets/readMetadata/action',
      'Microsoft.KeyVault/vaults/secrets/getSecret/action',
    ],
  },
  'Log Analytics Reader': {
    id: '73c42c96-874c-492b-b04d-ab87d138a893',
    actions: [
      '*/read',
      'Microsoft.OperationalInsights/workspaces/analytics/query/action',
      'Microsoft.OperationalInsights/workspaces/search/action',
    ],
    notActions: ['Microsoft.OperationalInsights/workspaces/sharedKeys/read'],
    dataActions: [],
  },
  'Security Reader': {
    id: '39bc4728-0917-49c7-9d2c-d95423bc2eb4',
    actions: ['Microsoft.Authorization/*/read', 'Microsoft.Security/*/read', 'Microsoft.Insights/*/read', '*/read'],
    dataActions: [],
  },
  'Security Admin': {
    id: 'fb1c8493-542b-48eb-b624-b4c8fea62acd',
    actions: ['*/read', 'Microsoft.Security/*', 'Microsoft.Authorization/policyAssignments/*'],
    dataActions: [],
  },
};

export function roleDefinitionId(subscriptionId: string, role: RoleName): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${ROLES[role].id}`;
}

/** Azure action patterns: `*` matches any run of characters, comparison is case-insensitive. */
function matches(pattern: string, action: string): boolean {
  const re = new RegExp(
    '^' +
      pattern
        .split('*')
        .map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
        .join('.*') +
      '$',
    'i',
  );
  return re.test(action);
}

function grants(def: RoleDefinition, action: string, data: boolean): boolean {
  if (data) return def.dataActions.some((p) => matches(p, action));
  return def.actions.some((p) => matches(p, action)) && !(def.notActions ?? []).some((p) => matches(p, action));
}

/** True when `scope` equals `ancestor` or lies below it (ARM ids compare case-insensitively). */
export function scopeWithin(scope: string, ancestor: string): boolean {
  const s = scope.toLowerCase().replace(/\/+$/, '');
  const a = ancestor.toLowerCase().replace(/\/+$/, '');
  return a === '' || s === a || s.startsWith(a + '/');
}

/** Whether the principal holds `action` at `scope` through an assignment at or above it. */
export function isAuthorized(
  state: AzureState,
  principalId: string,
  action: string,
  scope: string,
  kind: 'control' | 'data',
): boolean {
  return state.roleAssignments.some(
    (a) =>
      a.principalId.toLowerCase() === principalId.toLowerCase() &&
      scopeWithin(scope, a.scope) &&
      grants(ROLES[a.role], action, kind === 'data'),
  );
}

/** Access-policy permission names, as Key Vault spells them in policies (get, list, set, …). */
export type PolicyArea = 'secrets' | 'keys' | 'certificates';

export function accessPolicyAllows(vault: Vault, objectId: string, area: PolicyArea, permission: string): boolean {
  return vault.accessPolicies.some(
    (p: AccessPolicy) =>
      p.objectId.toLowerCase() === objectId.toLowerCase() &&
      (p.permissions[area] ?? []).some(
        (x) => x.toLowerCase() === permission.toLowerCase() || x.toLowerCase() === 'all',
      ),
  );
}
