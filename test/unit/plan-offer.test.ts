// Which plan a triage run offers: the issue's own when the run's plan equals it but for its creation time.
import { describe, expect, it } from 'vitest';
import { planHash } from '../../src/plan/canonical.js';
import type { Plan } from '../../src/plan/types.js';
import { planHashLine } from '../../src/report/plan-hash.js';
import { planOffer, reusablePlan } from '../../src/report/plan-offer.js';

const NOW = new Date('2026-11-29T12:00:00.000Z');
const plan = (createdAt: string, vault = 'kv-payments-prod'): Plan =>
  ({
    format: 1,
    alertId: 'alert-1',
    alertType: 'KV_TORAccess',
    vault: { resourceId: `/subscriptions/s/x/${vault}`, name: vault, subscriptionId: 's', resourceGroup: 'rg' },
    createdAt,
    maxAge: 'P7D',
    playbookSha256: 'c'.repeat(64),
    rules: ['r'],
    snapshot: {},
    actions: [],
    notPlanned: [],
  }) as Plan;
const body = (p: Plan) =>
  ['## Plan', '', planHashLine(planHash(p)), '', `Created ${p.createdAt}, valid for ${p.maxAge}. A gate applies…`].join(
    '\n',
  );

describe('reusablePlan', () => {
  const shown = plan('2026-11-29T11:00:00.000Z');
  it("offers the issue's plan when this run's equals it but for the creation time", () => {
    expect(reusablePlan(body(shown), plan(NOW.toISOString()), NOW)).toEqual({
      plan: shown,
      planSha256: planHash(shown),
    });
  });
  it('keeps its own plan when anything else differs', () => {
    expect(reusablePlan(body(shown), plan(NOW.toISOString(), 'kv-other'), NOW)).toBeUndefined();
  });
  it('keeps its own plan when the one shown is past its maximum age', () => {
    const old = plan('2026-11-20T11:00:00.000Z');
    expect(reusablePlan(body(old), plan(NOW.toISOString()), NOW)).toBeUndefined();
  });
  it('never adopts a creation time written inside code, where alert text goes', () => {
    const text = body(shown).replace(/^Created /m, '```\nCreated ') + '\n```';
    expect(reusablePlan(text, plan(NOW.toISOString()), NOW)).toBeUndefined();
  });
});

describe('planOffer', () => {
  it('offers only the plan the issue shows, else names the issue and the plan it shows', () => {
    const p = plan(NOW.toISOString());
    expect(planOffer({ number: 7, body: body(p) }, planHash(p))).toEqual({ offered: true });
    const other = planOffer({ number: 7, body: body(p) }, 'f'.repeat(64));
    expect(other).toMatchObject({ offered: false, shown: planHash(p) });
    expect(other.offered === false && other.notice).toMatch(/^issue #7 shows plan SHA-256 [0-9a-f]{64}, written by/);
    expect(planOffer({ number: 7, body: 'no hash' }, 'f'.repeat(64))).toMatchObject({
      offered: false,
      shown: undefined,
    });
  });
});
