// ARM failures name the resource, not its whole path: the subscription and resource group are the run's context.
import { describe, expect, it } from 'vitest';
import { resourceOf } from '../../src/azure/arm.js';

const RG = '/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg-payments';

describe('resourceOf', () => {
  it('keeps a child resource under its parent', () => {
    expect(
      resourceOf(
        `${RG}/providers/Microsoft.KeyVault/vaults/kv-payments-prod/providers/Microsoft.Authorization/roleAssignments/4f1c`,
      ),
    ).toBe('vaults/kv-payments-prod/Microsoft.Authorization/roleAssignments/4f1c');
    expect(
      resourceOf(
        `${RG}/providers/Microsoft.KeyVault/vaults/kv-payments-prod/providers/Microsoft.Insights/diagnosticSettings`,
      ),
    ).toBe('vaults/kv-payments-prod/Microsoft.Insights/diagnosticSettings');
  });

  it('names a top-level resource by its provider type and name', () => {
    expect(resourceOf(`${RG}/providers/Microsoft.OperationalInsights/workspaces/law-security`)).toBe(
      'Microsoft.OperationalInsights/workspaces/law-security',
    );
    expect(resourceOf('/subscriptions/0b1f/providers/Microsoft.Security/locations/westeurope/alerts/a1')).toBe(
      'Microsoft.Security/locations/westeurope/alerts/a1',
    );
  });
});
