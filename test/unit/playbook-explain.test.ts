// `explain` with a playbook, through the built CLI (run `npm run build` first).
import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { describeWithReference, referencePath } from '../support/reference.js';

const cli = (...args: string[]) => spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8' });
const sample = () => referencePath('alerts', 'grafana-eventhub-export-simulated-kv-listgetanomaly-01.json');

describeWithReference('explain on the real Event Hub sample (a simulated KV_ListGetAnomaly)', () => {
  it('with the bundled playbook: the simulated rule matches, later rules are not reached, read-only steps only', () => {
    const r = cli('explain', '--alert', sample(), '--json');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.alert).toMatchObject({ type: 'KV_ListGetAnomaly', simulated: true });
    expect(out.rules).toEqual([
      { name: 'simulated-alert', matched: true, reasons: ['simulated equals true holds: actual true (line 27)'] },
      ...['access-from-suspicious-ip', 'principal-anomaly', 'access-denied', 'other-alert'].map((name) => ({
        name,
        matched: false,
        reasons: ["not reached: rule 'simulated-alert' matched and does not continue"],
      })),
    ]);
    expect(out.steps).toEqual([
      { kind: 'identify-source', gate: null, params: {}, rule: 'simulated-alert' },
      {
        kind: 'measure-impact',
        gate: null,
        params: { lookback: 'P1D', tables: ['AzureDiagnostics', 'AZKVAuditLogs'] },
        rule: 'simulated-alert',
      },
      { kind: 'notify', gate: null, params: {}, rule: 'simulated-alert' },
    ]);
  });

  it('with a playbook of our own: the first failing condition and its actual value, in text', () => {
    const r = cli('explain', '--alert', sample(), '--playbook', 'test/fixtures/playbooks/valid-issue-example.yml');
    expect(r.status).toBe(0);
    const text = r.stdout.slice(r.stdout.indexOf('Playbook'));
    expect(text).toBe(`Playbook    test/fixtures/playbooks/valid-issue-example.yml
  match  ignore-samples
           simulated equals true holds: actual true (line 23)
  no     outside-ip
           not reached: rule 'ignore-samples' matched and does not continue
  no     app-anomaly
           not reached: rule 'ignore-samples' matched and does not continue
  no     the-rest
           not reached: rule 'ignore-samples' matched and does not continue

Steps       none
`);
  });

  it('explains a failing condition with the actual (absent) value', () => {
    const r = cli(
      'explain',
      '--alert',
      sample(),
      '--json',
      '--playbook',
      'test/fixtures/playbooks/valid-outside-ip.yml',
    );
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).rules[0]).toEqual({
      name: 'outside-ip',
      matched: false,
      // The sample's "00.00.00.00" is not an address, so intake dropped it: the caller IP is unknown.
      reasons: ['source.ip not-in-network ["corp"] fails: actual absent (line 8)'],
    });
  });

  it('refuses an invalid playbook, naming the first problem', () => {
    const r = cli('explain', '--alert', sample(), '--playbook', 'test/fixtures/playbooks/invalid-typos.yml');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n').filter((l) => l.startsWith('error: '))).toEqual([
      "error: playbook is invalid: test/fixtures/playbooks/invalid-typos.yml:12:41: rule 'outside-ip'.when.all[0].source.ip.not-in-network[0]: unknown network 'corpp' (did you mean 'corp'?); define it under networks: or write a CIDR (and 2 more); run 'kv-alert-playbook validate test/fixtures/playbooks/invalid-typos.yml' for the list",
    ]);
  });
});
