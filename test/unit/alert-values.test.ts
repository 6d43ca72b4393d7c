import { describe, expect, it } from 'vitest';
import { checkGuid, checkUpn, cleanText, parseIsoTime, parseUsTime } from '../../src/alert/values.js';
import { parseAlertResourceId, parseVaultResourceId } from '../../src/alert/resource-id.js';

describe('times', () => {
  it.each([
    ['2025-02-20T18:44:10.5893535Z', '2025-02-20T18:44:10.589Z'],
    ['2025-02-20T18:44:10Z', '2025-02-20T18:44:10.000Z'],
    ['2025-02-20 18:44:10', '2025-02-20T18:44:10.000Z'],
    ['2025-02-20T20:44:10+02:00', '2025-02-20T18:44:10.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
  ])('ISO %s → %s', (input, expected) => expect(parseIsoTime(input)).toBe(expected));

  it.each([
    '2025-02-29T00:00:00Z',
    '2025-13-01T00:00:00Z',
    '2025-02-20T24:00:00Z',
    '2025-02-20',
    'Feb 20 2025',
    '1740077050',
  ])('refuses %s', (input) => expect(parseIsoTime(input)).toBeUndefined());

  it('reads "MM/dd/yyyy HH:mm:ss" as UTC and refuses day-first dates', () => {
    expect(parseUsTime('02/20/2025 18:44:10')).toBe('2025-02-20T18:44:10.000Z');
    expect(parseUsTime('20/02/2025 18:44:10')).toBeUndefined();
  });
});

describe('identifiers', () => {
  it('GUIDs are lower-cased; the zero GUID and non-GUIDs are refused', () => {
    expect(checkGuid('04B07795-8DDB-461A-BBEE-02F9E1BF7B46')).toEqual({
      ok: true,
      value: '04b07795-8ddb-461a-bbee-02f9e1bf7b46',
    });
    expect(checkGuid('00000000-0000-0000-0000-000000000000')).toMatchObject({ ok: false });
    expect(checkGuid('11111111-1111-1111-1111-1111111111')).toEqual({ ok: false, reason: 'not a GUID' });
  });

  it('UPNs: user@domain only', () => {
    expect(checkUpn('a.b@contoso.example').ok).toBe(true);
    for (const bad of ['a@b', 'a@@b.com', 'a\u0000@b.com', 'a@b.com\n', '@b.com', 'a@-b.com']) {
      expect(checkUpn(bad).ok, bad).toBe(false);
    }
  });

  it('vault ids: exactly a Key Vault, valid vault name, as given', () => {
    expect(
      parseVaultResourceId('/subscriptions/ab-1/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-1/'),
    ).toEqual({
      name: 'kv-1',
      resourceId: '/subscriptions/ab-1/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-1',
      subscriptionId: 'ab-1',
      resourceGroup: 'rg',
    });
    for (const bad of [
      '/subscriptions/ab12/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-1/secrets/x',
      '/subscriptions/ab12/resourceGroups/rg/providers/Microsoft.KeyVault/managedHSMs/hsm1',
      '/subscriptions/ab12/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/1kv',
      '/subscriptions/ab12/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-',
      '/subscriptions/ab12/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/a-very-long-vault-name-over-24',
      '/subscriptions/ab12/resourceGroups/r g/providers/Microsoft.KeyVault/vaults/kv1',
      '/subscriptions/ab;12/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv1',
    ]) {
      expect(parseVaultResourceId(bad), bad).toBeUndefined();
    }
  });

  it('alert resource ids, with or without a resource group', () => {
    expect(
      parseAlertResourceId('/subscriptions/ab-12/providers/Microsoft.Security/locations/westeurope/alerts/a_1'),
    ).toEqual({
      subscriptionId: 'ab-12',
      name: 'a_1',
    });
    expect(
      parseAlertResourceId('/subscriptions/ab-12/providers/Microsoft.Security/locations/westeurope/alerts/a/x'),
    ).toBeUndefined();
  });
});

describe('cleanText', () => {
  it('replaces control, zero-width and bidi characters and caps length by code points', () => {
    expect(cleanText('a\u0007b\u200bc\u202ed', 100)).toEqual({ value: 'a b c d', truncated: false });
    expect(cleanText('😀😀😀😀', 3)).toEqual({ value: '😀😀…', truncated: true });
  });
});
