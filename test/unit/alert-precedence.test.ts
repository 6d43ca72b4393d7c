// Which source wins when several give one field, and what happens to values that fail their checks.
import { describe, expect, it } from 'vitest';
import { KV_ALERT_CATALOG, lookupAlertType } from '../../src/alert/catalog.js';
import { normalizeAlert } from '../../src/alert/normalize.js';

const SUB = '5f2b9c1e-7a4d-4e8b-9c3f-2d1e0a9b8c7d';
const vaultId = (name: string, rg = 'rg') =>
  `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.KeyVault/vaults/${name}`;
const GUID_A = '11111111-2222-4333-8444-555555555555';
const GUID_B = '66666666-7777-4888-9999-aaaaaaaaaaaa';

const base = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  AlertType: 'KV_SuspiciousIPAccess',
  SystemAlertId: 'a1b2c3',
  Severity: 'Medium',
  StartTimeUtc: '2026-01-01T00:00:00Z',
  EndTimeUtc: '2026-01-01T01:00:00Z',
  AzureResourceId: vaultId('kv-one'),
  ...extra,
});

describe('source.ip', () => {
  it('prefers "Attacker IP Address", then "Client IP address", then the ip entity; a disagreement is a warning', () => {
    const { alert, warnings } = normalizeAlert(
      base({
        ExtendedProperties: { 'Attacker IP Address': '203.0.113.5', 'Client IP address': '203.0.113.6' },
        Entities: [{ Type: 'ip', Address: '203.0.113.7' }],
      }),
    );
    expect(alert.source.ip).toBe('203.0.113.5');
    expect(warnings).toEqual([
      'source.ip: alert.ExtendedProperties["Client IP address"] gives "203.0.113.6"; using "203.0.113.5" from alert.ExtendedProperties["Attacker IP Address"]',
      'source.ip: ip entity 1 gives "203.0.113.7"; using "203.0.113.5" from alert.ExtendedProperties["Attacker IP Address"]',
    ]);
  });

  it('drops an invalid IP with a warning and falls back to the next valid source', () => {
    const { alert, warnings } = normalizeAlert(
      base({
        ExtendedProperties: { 'Attacker IP Address': '010.1.1.1' },
        Entities: [{ Type: 'ip', Address: '198.51.100.4' }],
      }),
    );
    expect(alert.source.ip).toBe('198.51.100.4');
    expect(warnings).toEqual([
      'source.ip: dropped "010.1.1.1" from alert.ExtendedProperties["Attacker IP Address"]: not a valid IP address',
    ]);
  });

  it('agreeing sources (same address, different spelling) are not a conflict', () => {
    const { alert, warnings } = normalizeAlert(
      base({
        ExtendedProperties: { 'Attacker IP Address': '2001:DB8::1' },
        Entities: [{ Type: 'ip', Address: '2001:db8:0::1' }],
      }),
    );
    expect(alert.source.ip).toBe('2001:db8::1');
    expect(warnings).toEqual([]);
  });
});

describe('source principal fields', () => {
  it('objectId: "Attacker Object ID" before the account entity; GUIDs lower-cased', () => {
    const { alert } = normalizeAlert(
      base({
        ExtendedProperties: { 'Attacker Object ID': GUID_A.toUpperCase() },
        Entities: [{ Type: 'account', AadUserId: GUID_B }],
      }),
    );
    expect(alert.source.objectId).toBe(GUID_A);
  });

  it('objectId: a non-GUID is dropped and the entity used', () => {
    const { alert, warnings } = normalizeAlert(
      base({
        ExtendedProperties: { 'Attacker Object ID': 'objid' },
        Entities: [{ Type: 'account', AadUserId: GUID_B }],
      }),
    );
    expect(alert.source.objectId).toBe(GUID_B);
    expect(warnings).toEqual([
      'source.objectId: dropped "objid" from alert.ExtendedProperties["Attacker Object ID"]: not a GUID',
    ]);
  });

  it('upn: "Client principal name", then other principal-name keys, then account Name + UPNSuffix', () => {
    const entity = { Type: 'account', Name: 'entity.user', UPNSuffix: 'contoso.example' };
    const first = normalizeAlert(
      base({
        ExtendedProperties: {
          'Client principal name': 'ext.user@contoso.example',
          'User Principal Name': 'o@contoso.example',
        },
        Entities: [entity],
      }),
    );
    expect(first.alert.source.upn).toBe('ext.user@contoso.example');
    const second = normalizeAlert(
      base({ ExtendedProperties: { 'User Principal Name': 'other.user@contoso.example' }, Entities: [entity] }),
    );
    expect(second.alert.source.upn).toBe('other.user@contoso.example');
    const third = normalizeAlert(base({ Entities: [entity] }));
    expect(third.alert.source.upn).toBe('entity.user@contoso.example');
  });

  it.each([
    ['has a space', 'alex wilber@contoso.example', 'not a user principal name (user@domain)'],
    ['has no domain', 'alex', 'not a user principal name (user@domain)'],
    ['holds a mention and markup', '@admin <b>@contoso.example', 'not a user principal name (user@domain)'],
    ['is too long', `${'a'.repeat(300)}@contoso.example`, 'longer than 256 characters'],
  ])('upn that %s is dropped', (_label, upn, reason) => {
    const { alert, warnings } = normalizeAlert(base({ ExtendedProperties: { 'Client principal name': upn } }));
    expect(alert.source.upn).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(reason);
  });

  it('accepts a guest UPN', () => {
    const upn = 'guest_fabrikam.example#EXT#@contoso.onmicrosoft.com';
    expect(normalizeAlert(base({ ExtendedProperties: { 'Client principal name': upn } })).alert.source.upn).toBe(upn);
  });

  it('tenantId: the AAD resource identifier before the account entity', () => {
    const { alert } = normalizeAlert(
      base({
        ResourceIdentifiers: [{ Type: 'AAD', AadTenantId: GUID_A }],
        Entities: [{ Type: 'account', AadTenantId: GUID_B }],
      }),
    );
    expect(alert.source.tenantId).toBe(GUID_A);
    expect(normalizeAlert(base({ Entities: [{ Type: 'account', AadTenantId: GUID_B }] })).alert.source.tenantId).toBe(
      GUID_B,
    );
  });

  it('userAgent: control and bidi characters are replaced, text is capped at 1024 characters', () => {
    const { alert, warnings } = normalizeAlert(
      base({ ExtendedProperties: { 'Client Information': `curl/8.0\u001b[31m\u202e${'x'.repeat(2000)}` } }),
    );
    expect(alert.source.userAgent).toMatch(/^curl\/8\.0 \[31m x+…$/);
    expect(Array.from(alert.source.userAgent!)).toHaveLength(1024);
    expect(warnings).toEqual(['source.userAgent: cut to 1024 characters']);
  });
});

describe('vault', () => {
  it('AzureResourceId wins over ResourceIdentifiers, entity and EffectiveAzureResourceId; a different vault is a warning', () => {
    const { alert, warnings } = normalizeAlert(
      base({
        ResourceIdentifiers: [{ Type: 'AzureResource', AzureResourceId: vaultId('kv-two') }],
        Entities: [{ Type: 'azure-resource', ResourceId: vaultId('kv-one') }],
        ExtendedProperties: { EffectiveAzureResourceId: vaultId('KV-ONE') },
      }),
    );
    expect(alert.vault.name).toBe('kv-one');
    expect(warnings).toEqual([
      `vault: alert.ResourceIdentifiers[0].AzureResourceId gives "${vaultId('kv-two')}"; using "${vaultId('kv-one')}" from alert.AzureResourceId`,
    ]);
  });

  it('falls back in order: ResourceIdentifiers, then an azure-resource entity, then EffectiveAzureResourceId', () => {
    const r = base({ AzureResourceId: undefined });
    delete r.AzureResourceId;
    const withAll = {
      ...r,
      ResourceIdentifiers: [{ Type: 'AzureResource', AzureResourceId: vaultId('kv-ri') }],
      Entities: [{ Type: 'azure-resource', ResourceId: vaultId('kv-entity') }],
      ExtendedProperties: { EffectiveAzureResourceId: vaultId('kv-effective') },
    };
    expect(normalizeAlert(withAll).alert.vault.name).toBe('kv-ri');
    expect(normalizeAlert({ ...withAll, ResourceIdentifiers: [] }).alert.vault.name).toBe('kv-entity');
    expect(normalizeAlert({ ...withAll, ResourceIdentifiers: [], Entities: [] }).alert.vault.name).toBe('kv-effective');
  });

  it('keeps the id as given and parses mixed-case segments', () => {
    const id = `/SUBSCRIPTIONS/${SUB.toUpperCase()}/RESOURCEGROUPS/My.RG(1)/providers/MICROSOFT.KEYVAULT/Vaults/Kv-Mixed`;
    const { alert } = normalizeAlert(base({ AzureResourceId: id }));
    expect(alert.vault).toEqual({
      name: 'Kv-Mixed',
      resourceId: id,
      subscriptionId: SUB.toUpperCase(),
      resourceGroup: 'My.RG(1)',
    });
  });

  it('skips a non-vault id with a warning and uses the next source', () => {
    const vm = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1`;
    const { alert, warnings } = normalizeAlert(
      base({ AzureResourceId: vm, Entities: [{ Type: 'azure-resource', ResourceId: vaultId('kv-one') }] }),
    );
    expect(alert.vault.name).toBe('kv-one');
    expect(warnings[0]).toMatch(/^vault: dropped ".*" from alert\.AzureResourceId: not a Key Vault resource id$/);
  });

  it('places CompromisedEntity in the subscription and resource group of the AlertUri when no id is given', () => {
    const r = base({
      CompromisedEntity: 'kv-named',
      AlertUri: `https://portal.azure.com/#blade/X/AlertBlade/alertId/a1b2c3/subscriptionId/${SUB}/resourceGroup/ops/referencedFrom/alertDeepLink`,
    });
    delete r.AzureResourceId;
    const { alert, warnings } = normalizeAlert(r);
    expect(alert.vault).toEqual({
      name: 'kv-named',
      resourceId: vaultId('kv-named', 'ops'),
      subscriptionId: SUB,
      resourceGroup: 'ops',
    });
    expect(warnings).toEqual([
      `vault: no resource id in the alert; built "${vaultId('kv-named', 'ops')}" from CompromisedEntity and alert.AlertUri`,
    ]);
  });

  it('warns when CompromisedEntity names another vault', () => {
    const { warnings } = normalizeAlert(base({ CompromisedEntity: 'kv-other' }));
    expect(warnings).toEqual(['vault: CompromisedEntity "kv-other" differs from the vault "kv-one"']);
  });
});

describe('times, severity, status, display name', () => {
  it('top-level times win over ExtendedProperties; 7 fractional digits and offsets are normalised to UTC', () => {
    const { alert } = normalizeAlert(
      base({
        StartTimeUtc: '2026-01-01T00:00:00.1234567Z',
        EndTimeUtc: '2026-01-01T02:30:00+02:00',
        ExtendedProperties: { 'Start Time UTC': '12/31/2025 23:00:00', 'End Time UTC': '01/01/2026 05:00:00' },
      }),
    );
    expect([alert.startTime, alert.endTime]).toEqual(['2026-01-01T00:00:00.123Z', '2026-01-01T00:30:00.000Z']);
  });

  it('reads "Start Time UTC" (MM/dd/yyyy HH:mm:ss, UTC) when the top level has no window; no end → the start', () => {
    const r = base({ ExtendedProperties: { 'Start Time UTC': '02/20/2025 18:44:10' } });
    delete r.StartTimeUtc;
    delete r.EndTimeUtc;
    const { alert, warnings } = normalizeAlert(r);
    expect([alert.startTime, alert.endTime]).toEqual(['2025-02-20T18:44:10.000Z', '2025-02-20T18:44:10.000Z']);
    expect(warnings).toEqual(['endTime: the alert has none; using the start time']);
  });

  it('drops a malformed "End Time UTC" with a warning', () => {
    const r = base({ ExtendedProperties: { 'End Time UTC': '13/45/2025 18:44:10' } });
    delete r.EndTimeUtc;
    const { alert, warnings } = normalizeAlert(r);
    expect(alert.endTime).toBe('2026-01-01T00:00:00.000Z');
    expect(warnings[0]).toBe(
      'time: dropped "13/45/2025 18:44:10" from alert.ExtendedProperties["End Time UTC"]: not MM/dd/yyyy HH:mm:ss',
    );
  });

  it('severity is case-insensitive; a missing one falls back to the catalog with a warning', () => {
    expect(normalizeAlert(base({ Severity: 'hIGh' })).alert.severity).toBe('High');
    const r = base({ AlertType: 'KV_SuspiciousIPAccessDenied' });
    delete r.Severity;
    const { alert, warnings } = normalizeAlert(r);
    expect(alert.severity).toBe('Low');
    expect(warnings).toEqual(['severity: the alert has none; using the documented Low']);
  });

  it('status is kept as given; absent → "Unknown"; capped at 64 characters', () => {
    expect(normalizeAlert(base({ Status: 'Dismissed' })).alert.status).toBe('Dismissed');
    expect(normalizeAlert(base()).alert.status).toBe('Unknown');
    const long = normalizeAlert(base({ Status: 'x'.repeat(100) }));
    expect(Array.from(long.alert.status)).toHaveLength(64);
    expect(long.warnings).toEqual(['status: cut to 64 characters']);
  });

  it('display name: catalog name when absent; cleaned and capped at 512 characters', () => {
    expect(normalizeAlert(base()).alert.displayName).toBe('Access from a suspicious IP address to a key vault');
    const { alert, warnings } = normalizeAlert(base({ AlertDisplayName: `bad\r\nname ${'z'.repeat(600)}` }));
    expect(alert.displayName.startsWith('bad name z')).toBe(true);
    expect(Array.from(alert.displayName)).toHaveLength(512);
    expect(warnings).toEqual(['displayName: cut to 512 characters']);
  });
});

describe('alert types', () => {
  it('the catalog holds the 14 documented KV_* types', () => {
    expect(KV_ALERT_CATALOG).toHaveLength(14);
    expect(new Set(KV_ALERT_CATALOG.map((e) => e.type)).size).toBe(14);
    expect(KV_ALERT_CATALOG.filter((e) => e.denied).map((e) => e.type)).toEqual([
      'KV_AccountVolumeAccessDeniedAnomaly',
      'KV_UserAccessDeniedAnomaly',
      'KV_SuspiciousIPAccessDenied',
    ]);
  });

  it.each([
    ['KV_TORAccess', 'KV_TORAccess', false],
    ['kv_toraccess', 'KV_TORAccess', false],
    ['SIMULATED_KV_PutGetAnomaly', 'KV_PutGetAnomaly', true],
    ['KV_DeniedAccountVolumeAnomaly', 'KV_AccountVolumeAccessDeniedAnomaly', false],
    ['KV_UnusualAccessFromSuspeciousIP', 'KV_UnusualAccessSuspiciousIP', false],
    ['SIMULATED_KV_UnusualAccessFromSuspeciousIP', 'KV_UnusualAccessSuspiciousIP', true],
  ])('%s → %s (simulated %s)', (raw, type, simulated) => {
    expect(lookupAlertType(raw, 'AlertType')).toMatchObject({ type, simulated, documented: true });
  });

  it('accepts an undocumented KV_* type, flags it, and warns', () => {
    const { alert, documented, warnings } = normalizeAlert(base({ AlertType: 'KV_BrandNewDetection' }));
    expect(alert.type).toBe('KV_BrandNewDetection');
    expect(documented).toBe(false);
    expect(warnings).toEqual([
      'type: KV_BrandNewDetection is not a documented Key Vault alert type; treated as a Key Vault alert',
    ]);
  });

  it('the SIMULATED_ prefix decides; a "[SAMPLE ALERT]" display name alone is only a warning', () => {
    const real = normalizeAlert(base({ AlertDisplayName: '[SAMPLE ALERT] Access from a suspicious IP address' }));
    expect(real.alert.simulated).toBe(false);
    expect(real.warnings).toEqual([
      'displayName: "[SAMPLE ALERT]" prefix on a type without SIMULATED_; treated as a real alert',
    ]);
    const simulated = normalizeAlert(base({ AlertType: 'SIMULATED_KV_SuspiciousIPAccess' }));
    expect(simulated.alert.simulated).toBe(true);
    expect(simulated.alert.type).toBe('KV_SuspiciousIPAccess');
  });
});

describe('entities and ExtendedProperties formats', () => {
  it('resolves $ref chains and ignores dangling refs, self refs and loops with a warning', () => {
    const { alert, warnings } = normalizeAlert(
      base({
        Entities: [
          { $id: '1', Type: 'account', AadUserId: GUID_A, Host: { $id: '9', Type: 'ip', Address: '198.51.100.1' } },
          { $ref: '9' },
          { $id: '2', $ref: '2' },
          { $id: '3', $ref: '4' },
          { $id: '4', $ref: '3' },
          { $ref: '404' },
        ],
      }),
    );
    expect(alert.source).toEqual({ ip: '198.51.100.1', objectId: GUID_A });
    expect(warnings).toEqual([
      'entities: alert.Entities[2] is a $ref to no entity (or a loop); ignored',
      'entities: alert.Entities[3] is a $ref to no entity (or a loop); ignored',
      'entities: alert.Entities[4] is a $ref to no entity (or a loop); ignored',
      'entities: alert.Entities[5] is a $ref to no entity (or a loop); ignored',
    ]);
  });

  it('"Suspicious Operations": keeps well-formed items, drops the rest with a warning', () => {
    const { alert, warnings } = normalizeAlert(
      base({
        ExtendedProperties: { 'Suspicious Operations': '[SecretGet:3, <img src=x>:1, SecretList:5, KeyGet:-1]' },
      }),
    );
    expect(alert.operations).toEqual([
      { name: 'SecretGet', count: 3 },
      { name: 'SecretList', count: 5 },
    ]);
    expect(warnings).toEqual([
      'operations: dropped "<img src=x>:1" from alert.ExtendedProperties["Suspicious Operations"]: not Name:count',
      'operations: dropped "KeyGet:-1" from alert.ExtendedProperties["Suspicious Operations"]: not Name:count',
    ]);
  });

  it('"Target": only https Key Vault URIs are kept', () => {
    const { alert, warnings } = normalizeAlert(
      base({
        ExtendedProperties: {
          Target:
            '[https://kv-one.vault.azure.net/secrets/a, http://kv-one.vault.azure.net/secrets/b, https://evil.example/secrets/c, https://kv-one.vault.azure.net/keys/k?x=1]',
        },
      }),
    );
    expect(alert.targets).toEqual(['https://kv-one.vault.azure.net/secrets/a']);
    expect(warnings.map((w) => w.replace(/ from .*: /, ': '))).toEqual([
      'targets: dropped "http://kv-one.vault.azure.net/secrets/b": not a plain https URL',
      'targets: dropped "https://evil.example/secrets/c": not a Key Vault host',
      'targets: dropped "https://kv-one.vault.azure.net/keys/k?x=1": not a plain https URL',
    ]);
  });
});

describe('form recognition', () => {
  it.each([
    ['PascalCase without export-only keys', {}, 'workflow-automation'],
    ['PascalCase with AlertUri', { AlertUri: 'https://portal.azure.com/#blade/x' }, 'event-hub'],
    [
      'PascalCase with EffectiveAzureResourceId',
      { ExtendedProperties: { EffectiveAzureResourceId: vaultId('kv-one') } },
      'event-hub',
    ],
  ])('%s → %s', (_label, extra, form) => {
    expect(normalizeAlert(base(extra)).alert.form).toBe(form);
  });

  it('camelCase keys → workflow-automation even with export-only keys', () => {
    const camel = {
      alertType: 'KV_AppAnomaly',
      systemAlertId: 'id-1',
      severity: 'Medium',
      startTimeUtc: '2026-01-01T00:00:00Z',
      azureResourceId: vaultId('kv-one'),
      alertUri: 'https://portal.azure.com/#blade/x',
    };
    expect(normalizeAlert(camel).alert.form).toBe('workflow-automation');
  });
});
