// A gate run whose plan a later triage run replaced on the issue (the alert fired again while it applied): its
// record names the plan it applied, says the issue now shows another, and does not claim to close the issue.
import { expect, it } from 'vitest';
import { renderGateComment } from '../../src/gate/record.js';

const record = (supersededBy?: string) =>
  renderGateComment({
    gate: 'rotate',
    planSha256: 'a'.repeat(64),
    approval: { approved: true, environment: 'keyvault-rotation', approvedBy: ['alice'], reviewers: ['alice'] },
    alert: { id: 'x', systemAlertId: 'a', alertType: 'KV_TORAccess', status: 'Active', resourceIds: [] },
    rotate: [],
    closing: false,
    pending: [],
    ...(supersededBy ? { supersededBy } : {}),
  });

it('names the plan applied and the one the issue shows now, and keeps the issue open', () => {
  const body = record('b'.repeat(64));
  expect(body).toContain(`Plan \`${'a'.repeat(64)}\` (the hash the issue showed when this run was approved).`);
  expect(body).toContain(`**The issue now shows plan \`${'b'.repeat(64)}\`**, from a later triage run of this alert`);
  expect(body).toContain('the newer plan needs its own approval, so the issue stays open.');
  expect(body).not.toContain('closing this issue');
});

it('says plainly when the issue shows no plan hash any more', () => {
  expect(record('none')).toContain('**The issue now shows no plan hash**');
});

it('otherwise says the plan is the one the issue shows', () => {
  expect(record()).toContain('(the hash the issue shows).');
  expect(record()).not.toContain('now shows');
});
