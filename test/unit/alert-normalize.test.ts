import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeAlert } from '../../src/alert/normalize.js';
import type { Alert } from '../../src/alert/types.js';
import { describeWithReference, readReferenceJson } from '../support/reference.js';

type Json = Record<string, unknown>;

const fixture = (name: string): Json =>
  JSON.parse(readFileSync(new URL(`../fixtures/alerts/${name}`, import.meta.url), 'utf8')) as Json;

describeWithReference('real Defender samples (reference data, read in place)', () => {
  it('normalises the Event Hub export of a simulated KV_ListGetAnomaly, dropping its zeroed ids', () => {
    const raw = readReferenceJson<Json>('alerts', 'grafana-eventhub-export-simulated-kv-listgetanomaly-01.json');
    const { alert, warnings, documented } = normalizeAlert(raw);
    const vaultId =
      '/SUBSCRIPTIONS/11111111-1111-1111-1111-1111111111/RESOURCEGROUPS/Sample-RG/providers/microsoft.keyvault/vaults/Sample-KV';
    expect(alert).toEqual<Alert>({
      id: 'dce2adb7-a249-3639-1574-c6571793f490',
      type: 'KV_ListGetAnomaly',
      simulated: true,
      displayName: '[SAMPLE ALERT] Suspicious secret listing and query in a Key Vault',
      severity: 'Medium',
      status: 'New',
      startTime: '2025-02-20T18:44:10.589Z',
      endTime: '2025-02-20T18:44:10.589Z',
      vault: {
        name: 'Sample-KV',
        resourceId: vaultId,
        subscriptionId: '11111111-1111-1111-1111-1111111111',
        resourceGroup: 'Sample-RG',
      },
      source: {
        userAgent:
          'FxVersion/4.8.4075.0 OSName/Windows10Enterprise OSVersion/6.3.18363 Microsoft.Azure.KeyVault.KeyVaultClient/3.0.0.1',
      },
      operations: [
        { name: 'SecretGet', count: 3 },
        { name: 'SecretList', count: 5 },
      ],
      targets: ['https://sample.vault.azure.net/secrets/sample'],
      form: 'event-hub',
    });
    expect(documented).toBe(true);
    // Every zeroed or placeholder value is named in a warning, never used.
    expect(warnings).toEqual([
      'vault: subscription id "11111111-1111-1111-1111-1111111111" is not a GUID',
      'source.ip: dropped "00.00.00.00" from alert.ExtendedProperties["Attacker IP Address"]: not a valid IP address',
      'source.ip: dropped "00.00.00.00" from ip entity 1: not a valid IP address',
      'source.objectId: dropped "00000000-0000-0000-0000-000000000000" from alert.ExtendedProperties["Attacker Object ID"]: the all-zero GUID is a placeholder, not a real id',
      'source.objectId: dropped "00000000-0000-0000-0000-000000000000" from account entity 1: the all-zero GUID is a placeholder, not a real id',
      'source.appId: dropped "00000000-0000-0000-0000-000000000000" from alert.ExtendedProperties["Application ID"]: the all-zero GUID is a placeholder, not a real id',
      'source.tenantId: dropped "tenant" from alert.ResourceIdentifiers[1].AadTenantId: not a GUID',
    ]);
  });

  it('refuses the REST API example (a VM_EICAR alert) naming its type', () => {
    const example = readReferenceJson<{ responses: { 200: { body: Json } } }>(
      'alerts',
      'azure-rest-api-specs-2022-01-01-GetAlertSubscriptionLocation_example.json',
    );
    expect(() => normalizeAlert(example.responses[200].body)).toThrow(
      "alert.properties.alertType: 'VM_EICAR' is not a Defender for Key Vault alert (KV_* types only)",
    );
  });

  it('refuses every alert of the REST list example (VM alerts)', () => {
    const list = readReferenceJson<{ responses: { 200: { body: { value: Json[] } } } }>(
      'alerts',
      'azure-rest-api-specs-2022-01-01-GetAlertsSubscription_example.json',
    );
    const body = list.responses[200].body;
    expect(() => normalizeAlert(body)).toThrow('alert.value: a list of 2 alerts; pass one alert');
    for (const item of body.value)
      expect(() => normalizeAlert(item)).toThrow(/'VM_\w+' is not a Defender for Key Vault/);
  });

  it('refuses the Activity Log sample (a Kubernetes alert) naming it', () => {
    const event = readReferenceJson<Json>('alerts', 'msdocs-alerts-schemas-activitylog-alert-sample.json');
    expect(() => normalizeAlert(event)).toThrow(
      'alert.eventName.value: "PREVIEW - Role binding to the cluster-admin role detected" is not a Defender for Key Vault alert',
    );
  });
});

describe('our fixtures, one per form', () => {
  it('event-hub: KV_TORAccess by an app (no UPN)', () => {
    const { alert, warnings } = normalizeAlert(fixture('eventhub-tor-app.json'));
    expect(alert).toEqual<Alert>({
      id: '6b1f3c2a-9d4e-4f7a-8b2c-1e5d7a9c3f60',
      type: 'KV_TORAccess',
      simulated: false,
      displayName: 'Access from a TOR exit node to a Key Vault',
      severity: 'Medium',
      status: 'New',
      startTime: '2026-03-14T09:12:05.123Z',
      endTime: '2026-03-14T09:47:31.765Z',
      vault: {
        name: 'contoso-payments-kv',
        resourceId:
          '/SUBSCRIPTIONS/5F2B9C1E-7A4D-4E8B-9C3F-2D1E0A9B8C7D/RESOURCEGROUPS/Payments-Prod/providers/microsoft.keyvault/vaults/contoso-payments-kv',
        subscriptionId: '5F2B9C1E-7A4D-4E8B-9C3F-2D1E0A9B8C7D',
        resourceGroup: 'Payments-Prod',
      },
      source: {
        ip: '203.0.113.45',
        objectId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
        appId: '2d4f6a8c-0e1b-4c3d-9e5f-7a9b1c3d5e7f',
        tenantId: '3c9e7f10-2b4a-4d6e-8f01-a2b3c4d5e6f7',
        userAgent: 'azsdk-net-Security.KeyVault.Secrets/4.6.0 (.NET 8.0.2; Linux)',
      },
      operations: [
        { name: 'SecretList', count: 2 },
        { name: 'SecretGet', count: 14 },
      ],
      targets: ['https://contoso-payments-kv.vault.azure.net/secrets/stripe-api-key'],
      form: 'event-hub',
    });
    expect(alert.source.upn).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it('rest: KV_SuspiciousIPAccess by a user; UPN from the account entity Name + UPNSuffix', () => {
    const { alert, warnings } = normalizeAlert(fixture('rest-suspicious-ip-user.json'));
    expect(alert).toEqual<Alert>({
      id: '2517538088322968242_2b1c9f77-3e0d-4a8b-bb61-5f0d2c4e8a13',
      type: 'KV_SuspiciousIPAccess',
      simulated: false,
      displayName: 'Access from a suspicious IP address to a key vault',
      severity: 'Medium',
      status: 'Active',
      startTime: '2026-05-02T22:15:00.000Z',
      endTime: '2026-05-02T22:31:40.500Z',
      vault: {
        name: 'fabrikam-idp-kv',
        resourceId:
          '/subscriptions/0d7c3a91-4b2e-4f60-9a1d-8e3b5c7f9a21/resourceGroups/Identity-RG/providers/Microsoft.KeyVault/vaults/fabrikam-idp-kv',
        subscriptionId: '0d7c3a91-4b2e-4f60-9a1d-8e3b5c7f9a21',
        resourceGroup: 'Identity-RG',
      },
      source: {
        ip: '198.51.100.77',
        objectId: '1f2e3d4c-5b6a-4978-8a6b-5c4d3e2f1a0b',
        upn: 'megan.bowen@fabrikam.example',
        appId: '04b07795-8ddb-461a-bbee-02f9e1bf7b46',
        tenantId: 'e4d3c2b1-a0f9-4e8d-b7c6-5a4b3c2d1e0f',
        userAgent: 'AZURECLI/2.61.0 (PIP) azsdk-python-keyvault-secrets/4.8.0 Python/3.11.8 (Linux)',
      },
      operations: [{ name: 'SecretGet', count: 1 }],
      targets: ['https://fabrikam-idp-kv.vault.azure.net/secrets/saml-signing-key'],
      form: 'rest',
    });
    expect(warnings).toEqual([]);
  });

  it('workflow-automation (PascalCase): KV_ListGetAnomaly by a user; IPv6, repeated operations summed, two targets', () => {
    const { alert, warnings } = normalizeAlert(fixture('workflow-automation-pascal-listget-user.json'));
    expect(alert).toEqual<Alert>({
      id: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      type: 'KV_ListGetAnomaly',
      simulated: false,
      displayName: 'Suspicious secret listing and query in a Key Vault',
      severity: 'Medium',
      status: 'New',
      startTime: '2026-01-20T03:05:00.000Z',
      endTime: '2026-01-20T03:20:00.000Z',
      vault: {
        name: 'hr-payroll-kv',
        resourceId:
          '/subscriptions/7e6d5c4b-3a29-4180-9f8e-7d6c5b4a3928/resourceGroups/hr-apps/providers/Microsoft.KeyVault/vaults/hr-payroll-kv',
        subscriptionId: '7e6d5c4b-3a29-4180-9f8e-7d6c5b4a3928',
        resourceGroup: 'hr-apps',
      },
      source: {
        ip: '2001:db8:4:2::1b',
        objectId: 'c0ffee00-1234-4abc-9def-0123456789ab',
        upn: 'alex.wilber@contoso.example',
        tenantId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d',
        userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) PowerShell/7.4.1',
      },
      operations: [
        { name: 'SecretList', count: 3 },
        { name: 'SecretGet', count: 43 },
      ],
      targets: [
        'https://hr-payroll-kv.vault.azure.net/secrets/db-password',
        'https://hr-payroll-kv.vault.azure.net/secrets/sftp-key',
      ],
      form: 'workflow-automation',
    });
    expect(warnings).toEqual([]);
  });

  it('workflow-automation (camelCase, lower-case ExtendedProperties keys): aliased type, external caller (IP only)', () => {
    const { alert, warnings } = normalizeAlert(fixture('workflow-automation-camel-external.json'));
    expect(alert).toEqual<Alert>({
      id: '2516099855999999999_7c6b5a49-3827-4e16-a5f4-e3d2c1b0a998',
      type: 'KV_UnusualAccessSuspiciousIP',
      simulated: false,
      displayName: 'Unusual access to the key vault from a suspicious IP (Non-Microsoft or external)',
      severity: 'Medium',
      status: 'New',
      startTime: '2026-07-08T14:00:00.000Z',
      endTime: '2026-07-08T14:45:00.000Z',
      vault: {
        name: 'shop-frontend-kv',
        resourceId:
          '/subscriptions/2a3b4c5d-6e7f-4081-92a3-b4c5d6e7f809/resourceGroups/web/providers/Microsoft.KeyVault/vaults/shop-frontend-kv',
        subscriptionId: '2a3b4c5d-6e7f-4081-92a3-b4c5d6e7f809',
        resourceGroup: 'web',
      },
      source: { ip: '192.0.2.200' },
      operations: [
        { name: 'Authentication', count: 7 },
        { name: 'SecretGet', count: 1 },
      ],
      targets: ['https://shop-frontend-kv.vault.azure.net/secrets/payment-webhook-secret'],
      form: 'workflow-automation',
    });
    expect(warnings).toEqual([]);
  });

  it('log-analytics: JSON-string columns, VendorOriginalId as the id, aliased denied type, user with UPN', () => {
    const { alert, warnings } = normalizeAlert(fixture('log-analytics-denied-anomaly.json'));
    expect(alert).toEqual<Alert>({
      id: '2516000000000000000_4e3d2c1b-0a9f-4e8d-b7c6-a5b4c3d2e1f0',
      type: 'KV_AccountVolumeAccessDeniedAnomaly',
      simulated: false,
      displayName: 'Unusual access denied - User accessing high volume of key vaults denied',
      severity: 'Low',
      status: 'New',
      startTime: '2026-06-30T23:58:00.000Z',
      endTime: '2026-07-01T00:10:00.000Z',
      vault: {
        name: 'fin-reports-kv',
        resourceId:
          '/subscriptions/9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a/resourceGroups/Finance/providers/Microsoft.KeyVault/vaults/fin-reports-kv',
        subscriptionId: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a',
        resourceGroup: 'Finance',
      },
      source: {
        ip: '198.51.100.9',
        objectId: '5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a',
        upn: 'nestor.wilke@contoso.example',
        tenantId: 'b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e',
        userAgent: 'AzurePowershell/Az4.0.0',
      },
      operations: [],
      targets: [],
      form: 'log-analytics',
    });
    expect(warnings).toEqual([]);
  });

  it('activity-log: type from the event name, window from ExtendedProperties, vault placed from CompromisedEntity', () => {
    const { alert, warnings } = normalizeAlert(fixture('activity-log-operation-volume.json'));
    const vaultId =
      '/subscriptions/4b5c6d7e-8f90-4a1b-8c2d-3e4f5a6b7c8d/resourceGroups/Ops-Shared/providers/Microsoft.KeyVault/vaults/ops-shared-kv';
    expect(alert).toEqual<Alert>({
      id: '2515900000000000000_9a8b7c6d-5e4f-4302-a1b0-c9d8e7f6a5b4',
      type: 'KV_OperationVolumeAnomaly',
      simulated: false,
      displayName: 'High volume of operations in a key vault',
      severity: 'Medium',
      status: 'Active',
      startTime: '2026-09-09T10:00:00.000Z',
      endTime: '2026-09-09T11:00:00.000Z',
      vault: {
        name: 'ops-shared-kv',
        resourceId: vaultId,
        subscriptionId: '4b5c6d7e-8f90-4a1b-8c2d-3e4f5a6b7c8d',
        resourceGroup: 'Ops-Shared',
      },
      source: {
        ip: '203.0.113.120',
        objectId: '77665544-3322-4110-8fed-cba987654321',
        appId: '8899aabb-ccdd-4eef-8011-223344556677',
      },
      operations: [
        { name: 'SecretGet', count: 950 },
        { name: 'KeyGet', count: 12 },
      ],
      targets: [],
      form: 'activity-log',
    });
    expect(warnings).toEqual([
      `vault: no resource id in the alert; built "${vaultId}" from CompromisedEntity and alert.subscriptionId and alert.resourceGroupName`,
    ]);
  });
});
