// Malformed payloads: each is refused with one line naming the field or problem, never a partial alert.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { alertFromText, intakeFromEvent } from '../../src/alert/intake.js';
import { normalizeAlert } from '../../src/alert/normalize.js';

const VAULT =
  '/subscriptions/5f2b9c1e-7a4d-4e8b-9c3f-2d1e0a9b8c7d/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-one';

/** A minimal valid Event Hub style alert; each case breaks one thing. */
const base = (): Record<string, unknown> => ({
  AlertType: 'KV_SuspiciousIPAccess',
  SystemAlertId: 'a1b2c3',
  Severity: 'Medium',
  StartTimeUtc: '2026-01-01T00:00:00Z',
  EndTimeUtc: '2026-01-01T01:00:00Z',
  AzureResourceId: VAULT,
});
const without = (key: string) => {
  const alert = base();
  delete alert[key];
  return alert;
};
const withField = (key: string, value: unknown) => ({ ...base(), [key]: value });

const nest = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

type Case = [label: string, run: () => unknown, message: string];

const cases: Case[] = [
  // JSON text (a file, stdin, the `alert` input)
  ['not JSON', () => alertFromText('not json', 'alert'), 'alert: not valid JSON ('],
  ['empty text', () => alertFromText('  ', 'alert'), 'alert: empty (expected JSON)'],
  ['a JSON array', () => alertFromText('[1,2]', 'alert'), 'alert: expected a JSON object, got an array'],
  ['a JSON string', () => alertFromText('"KV_TORAccess"', 'alert'), 'alert: expected a JSON object, got a string'],
  ['JSON null', () => alertFromText('null', 'alert'), 'alert: expected a JSON object, got null'],
  ['a JSON number', () => alertFromText('42', 'alert'), 'alert: expected a JSON object, got a number'],
  [
    'over 1 MiB',
    () => alertFromText(JSON.stringify({ ...base(), Description: 'x'.repeat(1024 * 1024) }), 'alert'),
    'bytes is over the 1 MiB limit',
  ],
  ['nested 40 deep', () => alertFromText(nest(40), 'alert'), 'alert: nested deeper than 32 levels'],
  [
    'arrays nested 200,000 deep',
    () => alertFromText(`{"a":${'['.repeat(200_000)}${']'.repeat(200_000)}}`, 'alert'),
    'alert: nested deeper than 32 levels',
  ],
  [
    'a 70,000-character string',
    () => alertFromText(JSON.stringify(withField('Description', 'y'.repeat(70_000))), 'alert'),
    'alert: a string of 70000 characters is too long',
  ],
  // Events
  [
    'truncated client_payload.alert',
    () => intakeFromEvent('repository_dispatch', { client_payload: { alert: '{"AlertType":"KV_TORAccess","Syst' } }),
    'client_payload.alert: not valid JSON (',
  ],
  [
    'repository_dispatch without client_payload',
    () => intakeFromEvent('repository_dispatch', { action: 'kv-alert' }),
    'client_payload: expected an object with the alert, got nothing',
  ],
  [
    'client_payload.alert is a number',
    () => intakeFromEvent('repository_dispatch', { client_payload: { alert: 7 } }),
    'client_payload.alert: expected an object or JSON text, got a number',
  ],
  [
    'client_payload.alertRef is not an alert id',
    () => intakeFromEvent('repository_dispatch', { client_payload: { alertRef: '/subscriptions/x/resourceGroups/y' } }),
    'client_payload.alertRef: "/subscriptions/x/resourceGroups/y" is not a Defender alert resource id',
  ],
  [
    'workflow_dispatch without inputs.alert',
    () => intakeFromEvent('workflow_dispatch', { inputs: {} }),
    'inputs.alert: empty; the workflow_dispatch run needs the alert JSON in its "alert" input',
  ],
  [
    'workflow_dispatch with truncated inputs.alert',
    () => intakeFromEvent('workflow_dispatch', { inputs: { alert: '{"AlertType":' } }),
    'inputs.alert: not valid JSON (',
  ],
  ['a push event', () => intakeFromEvent('push', {}), "event 'push' carries no alert"],
  // The alert object
  ['not an object', () => normalizeAlert([]), 'alert: expected a JSON object, got an array'],
  ['no AlertType', () => normalizeAlert(without('AlertType')), 'alert: no AlertType; not a Defender for Cloud alert'],
  [
    'a whole repository_dispatch event',
    () => normalizeAlert({ action: 'kv-alert', client_payload: { alert: base() } }),
    'alert: this is a repository_dispatch event; pass its client_payload.alert',
  ],
  [
    'a client_payload saved whole',
    () => normalizeAlert({ alert: base() }),
    'alert.alert: the alert is wrapped; pass the value of this key',
  ],
  [
    'AlertType is a number',
    () => normalizeAlert(withField('AlertType', 12)),
    'alert.AlertType: expected a string, got a number',
  ],
  [
    'a VM alert',
    () => normalizeAlert(withField('AlertType', 'VM_EICAR')),
    "alert.AlertType: 'VM_EICAR' is not a Defender for Key Vault alert (KV_* types only)",
  ],
  [
    'markup in AlertType',
    () => normalizeAlert(withField('AlertType', 'KV_<b>x</b>')),
    'alert.AlertType: "KV_<b>x</b>" is not an alert type',
  ],
  ['no alert id', () => normalizeAlert(without('SystemAlertId')), 'alert: no alert id (SystemAlertId)'],
  [
    'a marker in the alert id',
    () => normalizeAlert(withField('SystemAlertId', '<!-- kv-alert x -->')),
    'alert.SystemAlertId: "<!-- kv-alert x -->" is not an alert id',
  ],
  [
    'alert id is an object',
    () => normalizeAlert(withField('SystemAlertId', { id: 1 })),
    'alert.SystemAlertId: expected a string, got an object',
  ],
  [
    'no vault',
    () => normalizeAlert(without('AzureResourceId')),
    'alert: no Key Vault resource id (AzureResourceId, ResourceIdentifiers, an azure-resource entity or CompromisedEntity)',
  ],
  [
    'a VM resource id instead of a vault',
    () =>
      normalizeAlert(
        withField(
          'AzureResourceId',
          '/subscriptions/5f2b9c1e-7a4d-4e8b-9c3f-2d1e0a9b8c7d/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1',
        ),
      ),
    'alert: no Key Vault resource id',
  ],
  [
    'a vault name that Key Vault forbids',
    () => normalizeAlert(withField('AzureResourceId', VAULT.replace('kv-one', 'kv--one'))),
    'alert: no Key Vault resource id',
  ],
  [
    'severity outside the enum',
    () => normalizeAlert(withField('Severity', 'Critical')),
    'alert.Severity: "Critical" is not one of Informational, Low, Medium, High',
  ],
  [
    'severity is a number',
    () => normalizeAlert(withField('Severity', 3)),
    'alert.Severity: expected a string, got a number',
  ],
  [
    'start time is not a time',
    () => normalizeAlert(withField('StartTimeUtc', 'yesterday')),
    'alert.StartTimeUtc: "yesterday" is not an ISO 8601 time',
  ],
  [
    'start time is not a calendar date',
    () => normalizeAlert(withField('StartTimeUtc', '2026-02-30T00:00:00Z')),
    'alert.StartTimeUtc: "2026-02-30T00:00:00Z" is not an ISO 8601 time',
  ],
  ['no start time', () => normalizeAlert(without('StartTimeUtc')), 'alert: no start time (StartTimeUtc)'],
  [
    'Entities is an object',
    () => normalizeAlert(withField('Entities', { Type: 'ip' })),
    'alert.Entities: expected an array, got an object',
  ],
  [
    'ExtendedProperties is an array',
    () => normalizeAlert(withField('ExtendedProperties', ['Attacker IP Address'])),
    'alert.ExtendedProperties: expected an object, got an array',
  ],
  [
    'Log Analytics ExtendedProperties truncated',
    () => normalizeAlert({ ...base(), AlertSeverity: 'Medium', ExtendedProperties: '{"Attacker IP Address": "203.0' }),
    'alert.ExtendedProperties: not valid JSON (',
  ],
  [
    'Log Analytics Entities holds an object',
    () => normalizeAlert({ ...base(), AlertName: 'x', Entities: '{"Type":"ip"}' }),
    'alert.Entities: expected an array, got an object',
  ],
  [
    'two spellings of AlertType that disagree',
    () => normalizeAlert({ ...base(), alertType: 'KV_AppAnomaly' }),
    'alert: keys "AlertType" and "alertType" differ only in case and disagree',
  ],
  [
    'a REST list of alerts',
    () => normalizeAlert({ value: [base(), base()], nextLink: null }),
    'alert.value: a list of 2 alerts; pass one alert',
  ],
  [
    'an Event Hub records wrapper',
    () => normalizeAlert({ records: [base()] }),
    'alert.records: a list of 1 alerts; pass one alert',
  ],
  [
    'an Activity Log event that is not an alert',
    () =>
      normalizeAlert({
        operationName: { value: 'Microsoft.KeyVault/vaults/write' },
        properties: { severity: 'Medium' },
      }),
    'alert.operationName: this Activity Log event is not a Defender alert activation',
  ],
  [
    'an Activity Log alert without properties',
    () => normalizeAlert({ operationName: 'Microsoft.Security/locations/alerts/activate/action' }),
    'alert.properties: missing from the Activity Log event',
  ],
  [
    'an undocumented type without a severity',
    () => normalizeAlert({ ...without('Severity'), AlertType: 'KV_BrandNewDetection' }),
    'alert: no Severity',
  ],
  [
    'REST severity outside the enum',
    () =>
      normalizeAlert({
        id: 'x',
        name: 'a1',
        type: 'Microsoft.Security/Locations/alerts',
        properties: { ...base(), Severity: 'severe' },
      }),
    'alert.properties.Severity: "severe" is not one of Informational, Low, Medium, High',
  ],
];

describe('malformed alert payloads', () => {
  it('has at least 30 cases', () => expect(cases.length).toBeGreaterThanOrEqual(30));

  it.each(cases)('%s → UserError', (_label, run, message) => {
    let error: unknown;
    try {
      run();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    const text = (error as Error).message;
    expect(text).toContain(message);
    expect(text).not.toMatch(/\n/);
  });
});

describe('mutated fixtures', () => {
  // Deterministic mutations (dropped keys, re-cased keys, hostile values) of our fixtures: each must give a
  // complete alert or a UserError, never a TypeError or a partial result.
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const hostile = [null, 0, -1, '', ' ', '{', '[]', [], {}, [null], [{}], { $ref: '1' }, true, '\u0000', 'KV_X'];
  const pickHostile = () => hostile[Math.floor(random() * hostile.length)];
  const mutate = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map((v) => (random() < 0.1 ? pickHostile() : mutate(v)));
    if (typeof value !== 'object' || value === null) return value;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const r = random();
      if (r < 0.05) continue;
      out[r < 0.1 ? key.toLowerCase() : key] = r < 0.2 ? pickHostile() : mutate(v);
    }
    return out;
  };
  const dir = new URL('../fixtures/alerts/', import.meta.url);
  const fixtures = readdirSync(dir).map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as unknown);

  it('3,000 mutations: an alert with every contract field, or a UserError', () => {
    const unexpected: string[] = [];
    for (let i = 0; i < 3000; i++) {
      try {
        const { alert } = normalizeAlert(mutate(fixtures[i % fixtures.length]));
        if (!alert.id || !alert.type || !alert.vault.resourceId || !alert.startTime || !alert.endTime) {
          unexpected.push(`partial alert ${JSON.stringify(alert)}`);
        }
      } catch (error) {
        if (!(error instanceof UserError)) unexpected.push(String(error));
      }
    }
    expect(unexpected).toEqual([]);
  });
});
