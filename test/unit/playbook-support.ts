// Shared by the playbook tests: a complete Alert built in place, and playbook loading that fails loudly.
import type { Alert } from '../../src/alert/types.js';
import { loadPlaybook, type Playbook } from '../../src/playbook/index.js';

export function makeAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: '2518301437289743333_6a2a5e8e-7d0f-4a7e-9b33-1d1f1e0c0a11',
    type: 'KV_SuspiciousIPAccess',
    simulated: false,
    displayName: 'Access from a suspicious IP address to a key vault',
    severity: 'Medium',
    status: 'Active',
    startTime: '2026-11-29T10:00:00.000Z',
    endTime: '2026-11-29T10:05:00.000Z',
    vault: {
      name: 'kv-payments-prod',
      resourceId:
        '/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-payments/providers/Microsoft.KeyVault/vaults/kv-payments-prod',
      subscriptionId: '11111111-2222-3333-4444-555555555555',
      resourceGroup: 'rg-payments',
    },
    source: {
      ip: '203.0.113.7',
      objectId: 'aaaaaaaa-0000-0000-0000-000000000001',
      appId: 'bbbbbbbb-0000-0000-0000-000000000002',
      tenantId: 'cccccccc-0000-0000-0000-000000000003',
    },
    operations: [
      { name: 'SecretList', count: 5 },
      { name: 'SecretGet', count: 3 },
    ],
    targets: ['https://kv-payments-prod.vault.azure.net/secrets/db-password'],
    form: 'rest',
    ...overrides,
  };
}

export function playbookFrom(text: string): Playbook {
  const result = loadPlaybook(text);
  if (!result.ok) throw new Error(result.problems.map((p) => `${p.line}:${p.col}: ${p.message}`).join('\n'));
  return result.playbook;
}

/** `line:col: message` for each problem, in order. */
export function problemsOf(text: string): string[] {
  const result = loadPlaybook(text);
  return result.ok ? [] : result.problems.map((p) => `${p.line}:${p.col}: ${p.message}`);
}
