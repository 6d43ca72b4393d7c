// A gate run re-run after a crash: what the killed run changed and never recorded is on the re-run's comment
// (versions found disabled, a temporary runner rule left on the vault), with the way to undo it.
import { describe, expect, it } from 'vitest';
import type { TemporaryFirewallRule } from '../../src/apply/firewall-exception.js';
import { objectResult, type ObjectResult } from '../../src/apply/rotate-types.js';
import { renderGateComment } from '../../src/gate/record.js';

const hostile = '@octo-org/admins <img src=x> [x](https://evil.example) | #1';

function rotateComment(objects: ObjectResult[], rule?: TemporaryFirewallRule): string {
  return renderGateComment({
    gate: 'rotate',
    planSha256: 'a'.repeat(64),
    approval: { approved: true, environment: 'keyvault-rotation', approvedBy: ['alice'], reviewers: ['alice'] },
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
