// The gate's comment: values from Azure, GitHub and the plan stay inert text; the record says who approved, what
// changed and how to undo it.
import { describe, expect, it } from 'vitest';
import { renderGateComment, renderRefusalComment } from '../../src/gate/record.js';

const hostile = '@octo-org/admins <img src=x> [x](https://evil.example) #1 <!-- kv-alert-playbook x -->';

describe('renderGateComment', () => {
  const body = renderGateComment({
    gate: 'remediate',
    planSha256: 'f'.repeat(64),
    approval: { approved: true, environment: 'keyvault-remediation', approvedBy: ['alice'], reviewers: ['alice'] },
    alert: { id: 'x', systemAlertId: 'a', alertType: 'KV_TORAccess', status: hostile, resourceIds: [] },
    remediate: [
      {
        actionId: 'remediate-1-firewall',
        kind: 'firewall',
        status: 'applied',
        message: hostile,
        changes: [{ what: 'vault firewall', before: hostile, after: 'defaultAction Deny | x' }],
        notes: [hostile],
      },
      {
        actionId: 'remediate-2-revoke-access',
        kind: 'revoke-access',
        status: 'refused',
        message: 'drift',
        changes: [],
        drift: [{ field: 'accessPolicies[x]', snapshot: hostile, now: hostile, planned: hostile }],
        notes: [],
      },
    ],
    closing: false,
    pending: ['rotate'],
  });

  it('renders no mention, link, HTML or marker from untrusted values', () => {
    // Code spans render their content literally; check the text around them.
    const prose = body.replace(/(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, '');
    expect(prose).not.toMatch(/(^|[^\u200B])@octo-org/);
    expect(prose).not.toContain('<img');
    expect(prose).not.toContain('](https://');
    expect(body).not.toContain('<!-- kv-alert-playbook');
    // Every table row keeps its cell count (a pipe in a value does not split a cell).
    for (const line of body.split('\n').filter((l) => l.startsWith('| `remediate-1'))) {
      expect(line.split(/(?<!\\)\|/).length).toBeLessThanOrEqual(6);
    }
  });

  it('names the approver, the undo command and what is still waiting', () => {
    expect(body).toContain('Approved for environment `keyvault-remediation` by alice.');
    expect(body).toContain('kv-alert-playbook rollback --plan plan.json --gate remediate');
    expect(body).toContain('Still waiting: the rotate gate.');
  });
});

it('a refusal says nothing was changed and why, in one paragraph', () => {
  expect(renderRefusalComment('rotate', 'alert x was dismissed in Defender')).toBe(
    '### Rotate gate refused\n\nNothing was changed: alert x was dismissed in Defender',
  );
});
