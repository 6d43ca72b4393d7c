import { describe, expect, it } from 'vitest';
import { allows, type Permissions } from '../../src/azure/permissions.js';

// Built-in role definitions, as ARM lists them for the caller.
const KEY_VAULT_CONTRIBUTOR = {
  actions: ['Microsoft.Authorization/*/read', 'Microsoft.KeyVault/*', 'Microsoft.Resources/*/read'],
  notActions: [],
};
const CONTRIBUTOR = {
  actions: ['*'],
  notActions: ['Microsoft.Authorization/*/Delete', 'Microsoft.Authorization/*/Write'],
};
const USER_ACCESS_ADMINISTRATOR = { actions: ['*/read', 'Microsoft.Authorization/*'], notActions: [] };

describe('allows', () => {
  it('matches wildcards case-insensitively, anywhere in the pattern', () => {
    const p: Permissions = [KEY_VAULT_CONTRIBUTOR];
    expect(allows(p, 'Microsoft.KeyVault/vaults/write')).toBe(true);
    expect(allows(p, 'microsoft.keyvault/vaults/accessPolicies/write')).toBe(true);
    expect(allows(p, 'Microsoft.Authorization/roleAssignments/read')).toBe(true);
    expect(allows(p, 'Microsoft.Authorization/roleAssignments/delete')).toBe(false);
    expect(allows([{ actions: ['*/read'], notActions: [] }], 'Microsoft.KeyVault/vaults/write')).toBe(false);
  });

  it("subtracts an entry's notActions from that entry only", () => {
    expect(allows([CONTRIBUTOR], 'Microsoft.Authorization/roleAssignments/delete')).toBe(false);
    expect(allows([CONTRIBUTOR], 'Microsoft.KeyVault/vaults/write')).toBe(true);
    expect(allows([CONTRIBUTOR, USER_ACCESS_ADMINISTRATOR], 'Microsoft.Authorization/roleAssignments/delete')).toBe(
      true,
    );
  });

  it('allows nothing without a role', () => {
    expect(allows([], 'Microsoft.KeyVault/vaults/read')).toBe(false);
  });
});
