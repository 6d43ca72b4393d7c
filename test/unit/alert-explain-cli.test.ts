// Runs the built CLI (dist/cli.js, as `npm run build` leaves it) the way a user does.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeAlert } from '../../src/alert/normalize.js';
import { ALERT_FORMS, SEVERITIES } from '../../src/alert/types.js';
import { describeWithReference, referencePath } from '../support/reference.js';

const FIXTURES = 'test/fixtures/alerts';
const cli = (args: string[], input?: string) =>
  spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', input });

const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));

function expectContractShape(alert: Record<string, unknown>): void {
  expect(Object.keys(alert).sort()).toEqual(
    [
      'id',
      'type',
      'simulated',
      'displayName',
      'severity',
      'status',
      'startTime',
      'endTime',
      'vault',
      'source',
      'operations',
      'targets',
      'form',
    ].sort(),
  );
  for (const key of ['id', 'type', 'displayName', 'status']) expect(typeof alert[key]).toBe('string');
  expect(typeof alert.simulated).toBe('boolean');
  expect(SEVERITIES).toContain(alert.severity);
  expect(ALERT_FORMS).toContain(alert.form);
  for (const key of ['startTime', 'endTime'])
    expect(alert[key]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  expect(Object.keys(alert.vault as object).sort()).toEqual(['name', 'resourceGroup', 'resourceId', 'subscriptionId']);
  expect(
    Object.keys(alert.source as object).every((k) =>
      ['ip', 'objectId', 'upn', 'appId', 'tenantId', 'userAgent'].includes(k),
    ),
  ).toBe(true);
  expect(Array.isArray(alert.operations) && Array.isArray(alert.targets)).toBe(true);
}

describe('kv-alert-playbook explain', () => {
  it('covers every alert form with our fixtures', () => {
    const forms = fixtures.map((f) => normalizeAlert(JSON.parse(readFileSync(`${FIXTURES}/${f}`, 'utf8'))).alert.form);
    expect(new Set(forms)).toEqual(new Set(ALERT_FORMS));
  });

  it.each(fixtures)('--json on %s prints { alert, rules, steps } with the contract fields', (name) => {
    const r = cli(['explain', '--alert', `${FIXTURES}/${name}`, '--json']);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { alert: Record<string, unknown>; rules: unknown[]; steps: unknown[] };
    expect(Object.keys(out)).toEqual(['alert', 'rules', 'steps']);
    // Without --playbook the bundled default playbook is evaluated (its routing: playbook-default.test.ts).
    expect(out.rules.some((r) => (r as { matched: boolean }).matched)).toBe(true);
    expect(out.steps.length).toBeGreaterThan(0);
    expectContractShape(out.alert);
    // The bundle and the source agree (dist/ is fresh).
    expect(out.alert).toEqual(normalizeAlert(JSON.parse(readFileSync(`${FIXTURES}/${name}`, 'utf8'))).alert);
  });

  it("README's first command exits 0 and prints a readable summary", () => {
    const r = cli(['explain', '--alert', `${FIXTURES}/eventhub-tor-app.json`]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('Type        KV_TORAccess (documented)');
    expect(r.stdout).toContain('Vault       contoso-payments-kv (subscription 5F2B9C1E-7A4D-4E8B-9C3F-2D1E0A9B8C7D');
    expect(r.stdout).toContain('Caller IP   203.0.113.45');
    expect(r.stdout).toContain('UPN         -');
  });

  it('reads the alert from stdin with --alert -', () => {
    const r = cli(
      ['explain', '--alert', '-', '--json'],
      readFileSync(`${FIXTURES}/rest-suspicious-ip-user.json`, 'utf8'),
    );
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).alert.source.upn).toBe('megan.bowen@fabrikam.example');
  });

  it.each([
    [['explain', '--alert', '-'], '{"AlertType": "KV_TORAccess", "Syst', 'error: --alert -: not valid JSON ('],
    [
      ['explain', '--alert', '-'],
      '{"AlertType": "VM_EICAR"}',
      "error: alert.AlertType: 'VM_EICAR' is not a Defender for Key Vault alert",
    ],
    [
      ['explain', '--alert', 'test/fixtures/alerts/no-such.json'],
      '',
      'error: --alert test/fixtures/alerts/no-such.json: no such file',
    ],
    [['explain'], '', 'error: explain: --alert <file|-> is required'],
    [['explain', '--alert', 'test/fixtures'], '', 'error: --alert test/fixtures: is a directory'],
  ])('bad input %j → exit 1 with one error line', (args, input, message) => {
    const r = cli(args, input);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.startsWith(message)).toBe(true);
  });

  it('refuses stdin over 1 MiB', () => {
    const r = cli(['explain', '--alert', '-'], `{"Description": "${'x'.repeat(1100 * 1024)}"}`);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('error: --alert -: over the 1 MiB limit\n');
  });
});

describeWithReference('explain on the real Event Hub sample', () => {
  it('prints the alert on stdout and each dropped value as a warning on stderr', () => {
    const r = cli([
      'explain',
      '--alert',
      referencePath('alerts', 'grafana-eventhub-export-simulated-kv-listgetanomaly-01.json'),
      '--json',
    ]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).alert.type).toBe('KV_ListGetAnomaly');
    const warnings = r.stderr.trim().split('\n');
    expect(warnings.every((line) => line.startsWith('warning: '))).toBe(true);
    expect(warnings).toContain(
      'warning: source.ip: dropped "00.00.00.00" from alert.ExtendedProperties["Attacker IP Address"]: not a valid IP address',
    );
  });
});
