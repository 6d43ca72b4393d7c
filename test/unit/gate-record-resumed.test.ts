// A gate run re-run after a crash: what the killed run changed and never recorded is on the re-run's comment
// (remediate changes found made, versions found disabled, a temporary runner rule left on the vault), with the way
// to undo it.
import { describe, expect, it } from 'vitest';
import type { TemporaryFirewallRule } from '../../src/apply/firewall-exception.js';
import type { RemediateResult } from '../../src/apply/remediate-types.js';
import { objectResult, type ObjectResult } from '../../src/apply/rotate-types.js';
import { renderGateComment } from '../../src/gate/record.js';

const hostile = '@octo-org/admins <img src=x> [x](https://evil.example) | #1';

const approval = {
  approved: true as const,
  environment: 'keyvault-remediation',
  approvedBy: ['alice'],
  reviewers: ['alice'],
};

function remediateComment(results: RemediateResult[]): string {
  return renderGateComment({
    gate: 'remediate',
    planSha256: 'a'.repeat(64),
    approval,
    alert: { id: 'x', systemAlertId: 'a', alertType: 'KV_TORAccess', status: 'Active', resourceIds: [] },
    remediate: results,
    closing: false,
    pending: ['rotate'],
  });
}

const firewallFound = (before: string): RemediateResult => ({
  actionId: 'remediate-1-firewall',
  kind: 'firewall',
  status: 'already-done',
  message: 'the vault firewall already has these rules: an earlier run of this plan made the change',
  changes: [{ what: 'vault firewall', before, after: 'defaultAction Deny', earlierRun: true }],
  notes: [],
});

describe('remediate changes a killed run made', () => {
  it('read as applied by an earlier run, with before and after and the undo line', () => {
    const body = remediateComment([firewallFound('defaultAction Allow')]);
    expect(body).toContain('| `remediate-1-firewall` | applied by an earlier run |');
    expect(body).toContain(
      '| `remediate-1-firewall` | vault firewall (by an earlier run) | `defaultAction Allow` | `defaultAction Deny` |',
    );
    expect(body).toContain('kv-alert-playbook rollback --plan plan.json --gate remediate');
  });

  it('an action already done with nothing found changed stays already-done, with no undo line', () => {
    const body = remediateComment([{ ...firewallFound(''), changes: [] }]);
    expect(body).toContain('| `remediate-1-firewall` | already-done |');
    expect(body).not.toContain('**Changes**');
    expect(body).not.toContain('**Undo:**');
  });

  it('keep a hostile before value inert', () => {
    const body = remediateComment([firewallFound(hostile)]);
    const prose = body.replace(/(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, '');
    expect(prose).not.toContain('<img');
    expect(prose).not.toContain('](https://');
    for (const line of body.split('\n').filter((l) => l.startsWith('| `remediate-1'))) {
      expect(line.split(/(?<!\\)\|/).length).toBeLessThanOrEqual(6);
    }
  });
});

function rotateComment(objects: ObjectResult[], rule?: TemporaryFirewallRule): string {
  return renderGateComment({
    gate: 'rotate',
    planSha256: 'a'.repeat(64),
    approval: { ...approval, environment: 'keyvault-rotation' },
    alert: { id: 'x', systemAlertId: 'a', alertType: 'KV_TORAccess', status: 'Active', resourceIds: [] },
    rotate: [
      {
        actionId: 'rotate-1-rotate-secrets',
        kind: 'rotate-secrets',
        status: 'done',
        objects,
        ...(rule ? { temporaryFirewallRule: rule } : {}),
      },
    ],
    closing: true,
    pending: [],
  });
}

const alreadyRotated = (name: string, disabled: string[], alreadyDisabled: string[]): ObjectResult => ({
  ...objectResult('secret', name, 'already-rotated'),
  newVersion: 'new1',
  rotatedFrom: 'old1',
  disabledVersions: disabled,
  alreadyDisabledVersions: alreadyDisabled,
});

describe('versions a killed run disabled', () => {
  it('are shown disabled, marked as found so, with what that means and the undo line', () => {
    const body = rotateComment([alreadyRotated('db-password', ['v2'], ['v1'])]);
    const row = body.split('\n').find((l) => l.startsWith('| `rotate-1-rotate-secrets` | secret db-password'));
    expect(row?.split(' | ')[5]).toBe('v2, v1 (already)');
    expect(body).toContain(
      '(already): the version was disabled when this run started, by an earlier run of this plan that stopped before recording it or by someone else.',
    );
    expect(body).toContain('**Undo:** a disabled version is enabled again');
  });

  it('with nothing disabled then or now, the record has no undo line and no footnote', () => {
    const body = rotateComment([alreadyRotated('db-password', [], [])]);
    expect(body).not.toContain('**Undo:**');
    expect(body).not.toContain('(already)');
  });

  it('escape a hostile version name', () => {
    const body = rotateComment([alreadyRotated('db-password', [], [hostile])]);
    expect(body).not.toContain('<img');
    expect(body).not.toContain('](https://');
    expect(body).not.toMatch(/(^|[^\u200B])@octo-org/);
  });

  it('a secret a killed run soft-deleted keeps the recover line', () => {
    const body = rotateComment([objectResult('secret', 'db-password', 'already-deleted')]);
    expect(body).toContain('a soft-deleted secret is restored with `az keyvault secret recover`');
  });
});

describe('the temporary runner rule', () => {
  const rule = (r: Partial<TemporaryFirewallRule>): TemporaryFirewallRule => ({
    vault: 'kv',
    rule: '192.0.2.200/32',
    added: false,
    removed: true,
    ...r,
  });

  it('left by an earlier run and removed now is on the record', () => {
    expect(rotateComment([], rule({ leftByEarlierRun: true }))).toContain(
      "A temporary firewall rule `192.0.2.200/32` for the runner's address, left on the vault by an earlier run that was stopped, was removed.",
    );
  });

  it('left by an earlier run and not removed asks for removal by hand, with the error escaped', () => {
    const body = rotateComment([], rule({ leftByEarlierRun: true, removed: false, error: hostile }));
    expect(body).toContain('left on the vault by an earlier run that was stopped, could not be removed (');
    expect(body).toContain('**remove it by hand**');
    expect(body).not.toContain('<img');
  });

  it('added by this run says so', () => {
    expect(rotateComment([], rule({ added: true }))).toContain(
      'the run added the rule `192.0.2.200/32` and removed it afterwards.',
    );
  });

  it("someone else's rule that was already there is not mentioned", () => {
    expect(rotateComment([], rule({ removed: false }))).not.toContain('192.0.2.200');
  });
});
