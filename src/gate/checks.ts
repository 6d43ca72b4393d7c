// The gate's decisions as pure functions over what the APIs returned: plan age, approval, environment
// protection, and whether the Defender alert is the one the plan was made for.
import { lookupAlertType } from '../alert/catalog.js';
import type { DefenderAlert } from '../azure/defender.js';
import { parseDuration } from '../playbook/duration.js';
import type { Plan } from '../plan/types.js';

/** One review of a workflow run, as the approvals API lists it. */
export interface RunReview {
  environments: string[];
  state: string;
  user: string;
  comment: string;
}

/** Who approved (and rejected) the run for an environment; names compared case-insensitively as GitHub does. */
export function reviewsFor(reviews: RunReview[], environment: string): { approvedBy: string[]; rejectedBy: string[] } {
  const forEnv = reviews.filter((r) => r.environments.some((e) => e.toLowerCase() === environment.toLowerCase()));
  const users = (state: string) => [...new Set(forEnv.filter((r) => r.state === state).map((r) => r.user))];
  return { approvedBy: users('approved'), rejectedBy: users('rejected') };
}

export interface ProtectionRule {
  type: string;
  reviewers?: { type?: string; reviewer?: { login?: string; slug?: string; name?: string } | null }[];
}

/** The required reviewers of an environment (users by login, teams as org/slug); empty: unprotected. */
export function requiredReviewers(rules: ProtectionRule[]): string[] {
  return rules
    .filter((r) => r.type === 'required_reviewers')
    .flatMap((r) => r.reviewers ?? [])
    .map((r) => r.reviewer?.login ?? (r.reviewer?.slug ? `team ${r.reviewer.slug}` : (r.reviewer?.name ?? '')))
    .filter(Boolean);
}

/** Why the plan is too old to apply, or undefined. A plan dated in the future is refused too. */
export function planAgeProblem(plan: Pick<Plan, 'createdAt' | 'maxAge'>, now: Date): string | undefined {
  const created = Date.parse(plan.createdAt);
  const maxMs = parseDuration(plan.maxAge);
  if (Number.isNaN(created)) return `the plan's creation time '${plan.createdAt}' is not a date`;
  if (maxMs === undefined) return `the plan's maxAge '${plan.maxAge}' is not a duration`;
  // A minute of clock skew between runners is tolerated.
  if (created - now.getTime() > 60_000) return `the plan is dated ${plan.createdAt}, in the future`;
  if (now.getTime() - created > maxMs) {
    return `the plan was made at ${plan.createdAt} and is older than its maximum age ${plan.maxAge}; run triage again for a fresh plan`;
  }
  return undefined;
}

function normalizedType(raw: string): string | undefined {
  try {
    return lookupAlertType(raw, 'Defender alertType').type.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Why the Defender alert does not back the plan, or undefined. Dismissed alerts are refused (someone judged them
 * benign or false); Resolved ones are accepted, since containing after resolving the alert is still legitimate.
 */
export function alertProblem(plan: Pick<Plan, 'alertId' | 'alertType' | 'vault'>, alert: DefenderAlert | undefined) {
  if (!alert) {
    return `alert ${plan.alertId} was not found in Microsoft Defender for Cloud (resource group ${plan.vault.resourceGroup} or subscription ${plan.vault.subscriptionId}); only a real Defender alert can drive a change`;
  }
  if (normalizedType(alert.alertType) !== plan.alertType.toLowerCase()) {
    return `alert ${plan.alertId} is of type ${alert.alertType || '(none)'} in Defender, but the plan is for ${plan.alertType}`;
  }
  if (!alert.resourceIds.some((id) => id.toLowerCase() === plan.vault.resourceId.toLowerCase())) {
    return `alert ${plan.alertId} in Defender does not name the vault ${plan.vault.resourceId}`;
  }
  if (alert.status.toLowerCase() === 'dismissed') {
    return `alert ${plan.alertId} was dismissed in Defender; a dismissed alert drives no change`;
  }
  return undefined;
}

/**
 * Why the environment the gate checks is not the one the job runs in, per the job's OIDC token (its
 * `environment` claim; null: the job has no environment), or undefined.
 */
export function jobEnvironmentProblem(checked: string, fromToken: string | null): string | undefined {
  if (fromToken === null) {
    return `this job runs in no GitHub environment, so no approval protects it; give the job environment: ${checked}`;
  }
  if (fromToken.toLowerCase() !== checked.toLowerCase()) {
    return `this job runs in environment '${fromToken}', but the gate checks '${checked}'; make the job's environment: and the environment input (or settings) name the same protected environment`;
  }
  return undefined;
}
