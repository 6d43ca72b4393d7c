import { describe, expect, it } from 'vitest';
import { alertFromText, intakeFromEvent, isInlineJson } from '../../src/alert/intake.js';

const alert = { AlertType: 'KV_TORAccess', SystemAlertId: 'a1' };
const REF =
  '/subscriptions/5f2b9c1e-7a4d-4e8b-9c3f-2d1e0a9b8c7d/resourceGroups/rg/providers/Microsoft.Security/locations/westeurope/alerts/2517538088322968242_2b1c9f77-3e0d-4a8b-bb61-5f0d2c4e8a13';

describe('repository_dispatch', () => {
  it('takes client_payload.alert as an object', () => {
    expect(intakeFromEvent('repository_dispatch', { action: 'kv', client_payload: { alert } })).toEqual({
      kind: 'alert',
      raw: alert,
    });
  });

  it('takes client_payload.alert as JSON text (how a bridge fits a 31-key alert into 10 top-level keys)', () => {
    const event = { client_payload: { alert: JSON.stringify(alert), source: 'bridge' } };
    expect(intakeFromEvent('repository_dispatch', event)).toEqual({ kind: 'alert', raw: alert });
  });

  it('takes client_payload itself when it has no alert key', () => {
    expect(intakeFromEvent('repository_dispatch', { client_payload: alert })).toEqual({ kind: 'alert', raw: alert });
  });

  it('recognises client_payload.alertRef as a reference to fetch, kept as given', () => {
    expect(intakeFromEvent('repository_dispatch', { client_payload: { alertRef: REF } })).toEqual({
      kind: 'ref',
      resourceId: REF,
    });
  });

  it('client_payload.alert wins over alertRef', () => {
    expect(intakeFromEvent('repository_dispatch', { client_payload: { alert, alertRef: REF } }).kind).toBe('alert');
  });
});

describe('workflow_dispatch and text', () => {
  it('parses inputs.alert', () => {
    expect(intakeFromEvent('workflow_dispatch', { inputs: { alert: JSON.stringify(alert) } })).toEqual({
      kind: 'alert',
      raw: alert,
    });
  });

  it('alertFromText parses one object, also after a byte-order mark', () => {
    expect(alertFromText(` ${JSON.stringify(alert)}\n`, 'alert')).toEqual(alert);
    expect(alertFromText(`\uFEFF${JSON.stringify(alert)}`, 'alert')).toEqual(alert);
  });

  it.each([
    ['{"AlertType":"KV_TORAccess"}', true],
    ['  {\n}', true],
    ['alerts/kv.json', false],
    ['./{weird}.json', false],
  ])('the alert input %j is inline JSON: %s', (input, inline) => expect(isInlineJson(input)).toBe(inline));
});
