// The gate's pure decisions and the strict plan parser: what is refused, with which message.
import { describe, expect, it } from 'vitest';
import { sameNetworkRules } from '../../src/apply/remediate-state.js';
import type { DefenderAlert } from '../../src/azure/defender.js';
import {
  alertProblem,
  jobEnvironmentProblem,
  planAgeProblem,
  requiredReviewers,
  reviewsFor,
} from '../../src/gate/checks.js';
import { parsePlan } from '../../src/gate/plan-input.js';
import { planHash } from '../../src/plan/canonical.js';
import type { Plan } from '../../src/plan/types.js';
import { OPEN_FIREWALL } from '../support/plans.js';

const SUB = '0b1f6471-1bf0-4dda-aec3-cb9272f09590';
const VAULT = `/subscriptions/${SUB}/resourceGroups/rg-payments/providers/Microsoft.KeyVault/vaults/kv-payments-prod`;

const plan: Plan = {
  format: 1,
  alertId: '2517538088322968242_tor-0001',
  alertType: 'KV_TORAccess',
  vault: { resourceId: VAULT, name: 'kv-payments-prod', subscriptionId: SUB, resourceGroup: 'rg-payments' },
  createdAt: '2026-11-29T10:00:00.000Z',
  maxAge: 'P7D',
  playbookSha256: 'a'.repeat(64),
  rules: ['r'],
  snapshot: { networkAcls: OPEN_FIREWALL },
  actions: [
    {
      id: 'remediate-1-firewall',
      kind: 'firewall',
      gate: 'remediate',
      params: {
        after: { defaultAction: 'Deny', bypass: 'AzureServices', ipRules: ['198.51.100.10'], virtualNetworkRules: [] },
        added: ['198.51.100.10'],
        removed: [],
        lockedOut: [],
        skipped: [],
      },
      reason: 'rule r',
    },
  ],
  notPlanned: [],
};

describe('parsePlan', () => {
  it('returns a plan that hashes like the one triage printed', () => {
    const parsed = parsePlan(JSON.stringify(plan), 'input plan');
    expect(planHash(parsed)).toBe(planHash(plan));
  });

  it.each([
    ['', /input plan: empty/],
    ['{', /input plan: not JSON/],
    [JSON.stringify({ ...plan, format: 2 }), /plan\.format: must be 1/],
    [JSON.stringify({ ...plan, extra: true }), /plan\.extra: is not a plan field/],
    [JSON.stringify({ ...plan, vault: { ...plan.vault, resourceGroup: '../x' } }), /plan\.vault\.resourceGroup/],
    [
      JSON.stringify({ ...plan, vault: { ...plan.vault, name: 'kv-other' } }),
      /plan\.vault\.resourceId does not match its subscription, resource group and name/,
    ],
    [
      JSON.stringify({ ...plan, actions: [{ ...plan.actions[0], gate: 'rotate' }] }),
      /plan\.actions\[0\]\.gate: must be remediate for firewall/,
    ],
    [
      JSON.stringify({ ...plan, actions: [{ ...plan.actions[0], kind: 'purge-secrets' }] }),
      /plan\.actions\[0\]\.kind: must be one of/,
    ],
    [
      JSON.stringify({ ...plan, actions: [plan.actions[0], plan.actions[0]] }),
      /action id 'remediate-1-firewall' appears twice/,
    ],
    [JSON.stringify({ ...plan, createdAt: 'yesterday' }), /plan\.createdAt/],
  ])('refuses %#', (text, message) => {
    expect(() => parsePlan(text, 'input plan')).toThrow(message);
  });
});

describe('planAgeProblem', () => {
  const at = (iso: string) => new Date(iso);
  it('accepts a plan within its maximum age and refuses an older or future one', () => {
    expect(planAgeProblem(plan, at('2026-12-06T09:59:00Z'))).toBeUndefined();
    expect(planAgeProblem(plan, at('2026-12-06T10:00:01Z'))).toMatch(/older than its maximum age P7D/);
    expect(planAgeProblem(plan, at('2026-11-29T09:00:00Z'))).toMatch(/in the future/);
  });
});

describe('approvals and environments', () => {
  it('matches environment names case-insensitively and keeps who approved or rejected', () => {
    const reviews = [
      { environments: ['KeyVault-Remediation'], state: 'approved', user: 'alice', comment: '' },
      { environments: ['keyvault-rotation'], state: 'approved', user: 'bob', comment: '' },
      { environments: ['keyvault-remediation'], state: 'rejected', user: 'carol', comment: '' },
    ];
    expect(reviewsFor(reviews, 'keyvault-remediation')).toEqual({ approvedBy: ['alice'], rejectedBy: ['carol'] });
    expect(reviewsFor(reviews, 'other')).toEqual({ approvedBy: [], rejectedBy: [] });
  });

  it('reads required reviewers from the protection rules; a wait timer alone protects nothing', () => {
    expect(requiredReviewers([{ type: 'wait_timer' }])).toEqual([]);
    expect(
      requiredReviewers([
        {
          type: 'required_reviewers',
          reviewers: [
            { type: 'User', reviewer: { login: 'alice' } },
            { type: 'Team', reviewer: { slug: 'secops' } },
          ],
        },
      ]),
    ).toEqual(['alice', 'team secops']);
  });
});

describe('jobEnvironmentProblem', () => {
  it("accepts the job's own environment in any case and refuses none or another", () => {
    expect(jobEnvironmentProblem('keyvault-remediation', 'KeyVault-Remediation')).toBeUndefined();
    expect(jobEnvironmentProblem('keyvault-remediation', null)).toMatch(/runs in no GitHub environment/);
    expect(jobEnvironmentProblem('keyvault-remediation', 'keyvault-remediaton')).toMatch(
      /runs in environment 'keyvault-remediaton', but the gate checks 'keyvault-remediation'/,
    );
  });
});

describe('alertProblem', () => {
  const alert: DefenderAlert = {
    id: 'x',
    systemAlertId: plan.alertId,
    alertType: 'KV_TORAccess',
    status: 'Active',
    resourceIds: [VAULT.toUpperCase()],
  };
  it('accepts the alert of the plan (ids in any case, Resolved too) and refuses the rest', () => {
    expect(alertProblem(plan, alert)).toBeUndefined();
    expect(alertProblem(plan, { ...alert, status: 'Resolved' })).toBeUndefined();
    expect(alertProblem(plan, { ...alert, alertType: 'SIMULATED_KV_TORAccess' })).toBeUndefined();
    expect(alertProblem(plan, undefined)).toMatch(/was not found in Microsoft Defender for Cloud/);
    expect(alertProblem(plan, { ...alert, alertType: 'KV_ListGetAnomaly' })).toMatch(/is of type KV_ListGetAnomaly/);
    expect(alertProblem(plan, { ...alert, resourceIds: [] })).toMatch(/does not name the vault/);
    expect(alertProblem(plan, { ...alert, status: 'Dismissed' })).toMatch(/was dismissed/);
  });
});

describe('sameNetworkRules', () => {
  it('compares IP rules as sets, a bare address equal to its /32', () => {
    const a = {
      defaultAction: 'Deny' as const,
      bypass: 'AzureServices' as const,
      ipRules: ['1.2.3.4', '10.0.0.0/8'],
      virtualNetworkRules: [],
    };
    expect(sameNetworkRules(a, { ...a, ipRules: ['10.0.0.0/8', '1.2.3.4/32'] })).toBe(true);
    expect(sameNetworkRules(a, { ...a, ipRules: ['1.2.3.4'] })).toBe(false);
    expect(sameNetworkRules(a, { ...a, defaultAction: 'Allow' })).toBe(false);
  });
});
