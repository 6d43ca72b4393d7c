// Role assignments of one principal as seen from the vault scope: at the vault (or below), and inherited.
import type { RoleAssignment } from '../findings/types.js';
import type { AzureContext } from './context.js';

const API_VERSION = '2022-04-01';

// Built-in role definition ids (the last segment of roleDefinitionId) worth naming in a report.
const BUILT_IN_ROLES: Record<string, string> = {
  '8e3af657-a8ff-443c-a75c-2fe8c4bcb635': 'Owner',
  'b24988ac-6180-42a0-ab88-20f7382dd24c': 'Contributor',
  'acdd72a7-3385-48ef-bd42-f606fba81ae7': 'Reader',
  '00482a5a-887f-4fb3-b363-3b7fe8e74483': 'Key Vault Administrator',
  'f25e0fa2-a7c8-4377-a976-54943a77a395': 'Key Vault Contributor',
  '21090545-7ca7-4776-b22c-e363652d74d2': 'Key Vault Reader',
  'b86a8fe4-44ce-4948-aee5-eccb2c155cd7': 'Key Vault Secrets Officer',
  '4633458b-17de-408a-b874-0445c86b69e6': 'Key Vault Secrets User',
  '14b46e9e-c2b7-41b4-b07b-48a6ebf60603': 'Key Vault Crypto Officer',
  '12338af0-0e69-4776-bea7-57ae8d297424': 'Key Vault Crypto User',
  'a4417e6f-fecd-4de8-b567-7b0420556985': 'Key Vault Certificates Officer',
  'db79e9a7-68ee-4b58-9aeb-b90e7c24fcba': 'Key Vault Certificate User',
};

interface ArmRoleAssignment {
  id: string;
  properties: { principalId: string; roleDefinitionId: string; scope: string };
}

function roleName(roleDefinitionId: string): string | undefined {
  const guid = roleDefinitionId.split('/').pop()?.toLowerCase() ?? '';
  return BUILT_IN_ROLES[guid];
}

/** True when `scope` is the vault or lies below it (e.g. one secret); ARM ids compare case-insensitively. */
function atOrBelow(scope: string, vaultId: string): boolean {
  const s = scope.toLowerCase();
  const v = vaultId.toLowerCase();
  return s === v || s.startsWith(`${v}/`);
}

export async function listPrincipalRoleAssignments(
  az: AzureContext,
  vaultResourceId: string,
  principalId: string,
): Promise<{ vault: RoleAssignment[]; inherited: RoleAssignment[] }> {
  // The GUID was validated at intake; the filter is ARM's OData syntax.
  const listed = await az.arm.list<ArmRoleAssignment>(
    `${vaultResourceId}/providers/Microsoft.Authorization/roleAssignments`,
    API_VERSION,
    { $filter: `principalId eq '${principalId}'` },
  );
  const vault: RoleAssignment[] = [];
  const inherited: RoleAssignment[] = [];
  for (const a of listed) {
    if (a.properties.principalId.toLowerCase() !== principalId.toLowerCase()) continue;
    const name = roleName(a.properties.roleDefinitionId);
    const assignment: RoleAssignment = {
      id: a.id,
      principalId: a.properties.principalId,
      roleDefinitionId: a.properties.roleDefinitionId,
      ...(name ? { roleName: name } : {}),
      scope: a.properties.scope,
    };
    (atOrBelow(a.properties.scope, vaultResourceId) ? vault : inherited).push(assignment);
  }
  return { vault, inherited };
}

export async function deleteRoleAssignment(az: AzureContext, assignmentId: string): Promise<void> {
  await az.arm.delete(assignmentId, API_VERSION);
}
