// Before a gated job writes anything: the plan is the one the issue shows, the run was approved for the
// gate's protected environment, Defender really raised the alert, and the plan is fresh. Fails closed: any
// check that cannot be made refuses, with one line saying why.
import type { AzureContext } from '../azure/context.js';
import { findDefenderAlert, type DefenderAlert } from '../azure/defender.js';
import { UserError, errorMessage } from '../errors.js';
import { findIncidentIssues, type IncidentIssue, type RepoRef } from '../github/issues.js';
import type { Octokit } from '../github/octokit.js';
import type { Plan } from '../plan/types.js';
import { findPlanHash } from '../report/plan-hash.js';
import type { Gate } from '../steps/index.js';
import { alertProblem, planAgeProblem, requiredReviewers, reviewsFor, type ProtectionRule } from './checks.js';

/** A refusal before any write; carries the incident issue when it was found, so the mode can comment there. */
export class GateRefused extends UserError {
  override name = 'GateRefused';
  constructor(
    message: string,
    readonly issue?: IncidentIssue,
  ) {
    super(message);
  }
}

export interface GateEnv {
  gh: Octokit;
  repo: RepoRef;
  /** Login whose issues are trusted (the action's own). */
  trustedLogin: string;
  /** The workflow run (GITHUB_RUN_ID); undefined outside a workflow. */
  runId?: number;
  az: AzureContext;
  now: Date;
}

export interface GateRequest {
  plan: Plan;
  planSha256: string;
  gate: Gate;
  /** The GitHub environment the gated job runs in. */
  environment: string;
  /** settings.gates.<gate>.require-approval. */
  requireApproval: boolean;
}

export type ApprovalRecord =
  | { approved: true; environment: string; approvedBy: string[]; reviewers: string[] }
  /** require-approval: false and no approval found: said plainly on the issue. */
  | { approved: false; environment: string; note: string };

export interface Verified {
  issue: IncidentIssue;
  approval: ApprovalRecord;
  alert: DefenderAlert;
}

/** The plan's incident issue (ours only), refusing unless it shows exactly this plan's hash. */
export async function planIssue(
  env: Pick<GateEnv, 'gh' | 'repo' | 'trustedLogin'>,
  req: Pick<GateRequest, 'plan' | 'planSha256'>,
): Promise<IncidentIssue> {
  const issues = await findIncidentIssues(env.gh, env.repo, req.plan.alertId, env.trustedLogin);
  const issue = issues[0];
  if (!issue) {
    throw new GateRefused(
      `no incident issue for alert ${req.plan.alertId} written by ${env.trustedLogin} in ${env.repo.owner}/${env.repo.repo}; the plan cannot be checked against what a reviewer saw`,
    );
  }
  const shown = findPlanHash(issue.body);
  if (!shown) throw new GateRefused(`issue #${issue.number} shows no plan SHA-256; run triage again`, issue);
  if (shown !== req.planSha256.toLowerCase()) {
    throw new GateRefused(
      `plan SHA-256 ${req.planSha256} differs from ${shown} shown in issue #${issue.number}: this is not the plan the reviewer saw`,
      issue,
    );
  }
  return issue;
}

async function environmentReviewers(env: GateEnv, name: string, issue: IncidentIssue): Promise<string[]> {
  try {
    const { data } = await env.gh.rest.repos.getEnvironment({ ...env.repo, environment_name: name });
    return requiredReviewers((data.protection_rules ?? []) as ProtectionRule[]);
  } catch (error) {
    if ((error as { status?: number }).status === 404) {
      throw new GateRefused(`GitHub environment '${name}' does not exist in ${env.repo.owner}/${env.repo.repo}`, issue);
    }
    throw new GateRefused(`could not read GitHub environment '${name}': ${errorMessage(error)}`, issue);
  }
}

async function runReviews(env: GateEnv, issue: IncidentIssue) {
  if (env.runId === undefined) return undefined;
  try {
    const { data } = await env.gh.rest.actions.getReviewsForRun({ ...env.repo, run_id: env.runId });
    return data.map((r) => ({
      environments: r.environments.map((e) => e.name ?? ''),
      state: r.state,
      user: r.user.login,
      comment: r.comment,
    }));
  } catch (error) {
    throw new GateRefused(
      `could not read the approvals of run ${env.runId} (the job needs permissions: actions: read): ${errorMessage(error)}`,
      issue,
    );
  }
}

async function approvalOf(env: GateEnv, req: GateRequest, issue: IncidentIssue): Promise<ApprovalRecord> {
  const name = req.environment;
  const setting = `settings.gates.${req.gate}.require-approval`;
  if (!req.requireApproval) {
    // Who approved is still recorded when the run happens to have an approval.
    const reviews = env.runId === undefined ? [] : ((await runReviews(env, issue).catch(() => [])) ?? []);
    const { approvedBy } = reviewsFor(reviews, name);
    return approvedBy.length > 0
      ? { approved: true, environment: name, approvedBy, reviewers: [] }
      : { approved: false, environment: name, note: `ran without approval (${setting}: false)` };
  }
  const reviewers = await environmentReviewers(env, name, issue);
  if (reviewers.length === 0) {
    throw new GateRefused(
      `GitHub environment '${name}' has no required reviewers, so nobody approved this change (a misspelled environment: name creates an unprotected one); add reviewers, or set ${setting}: false`,
      issue,
    );
  }
  const reviews = await runReviews(env, issue);
  if (!reviews) {
    throw new GateRefused(
      `no workflow run to check the approval of (GITHUB_RUN_ID is not set); run the ${req.gate} job in environment '${name}'`,
      issue,
    );
  }
  const { approvedBy, rejectedBy } = reviewsFor(reviews, name);
  if (approvedBy.length === 0) {
    const rejected = rejectedBy.length > 0 ? ` (rejected by ${rejectedBy.join(', ')})` : '';
    throw new GateRefused(
      `run ${env.runId} was not approved for environment '${name}'${rejected}; an administrator's bypass is not an approval`,
      issue,
    );
  }
  return { approved: true, environment: name, approvedBy, reviewers };
}

async function defenderAlert(env: GateEnv, plan: Plan, issue: IncidentIssue): Promise<DefenderAlert> {
  let alert: DefenderAlert | undefined;
  try {
    alert = await findDefenderAlert(env.az, plan.vault, plan.alertId);
  } catch (error) {
    throw new GateRefused(
      `could not read alert ${plan.alertId} of vault ${plan.vault.name} from Microsoft Defender for Cloud (the identity needs Security Reader): ${errorMessage(error)}`,
      issue,
    );
  }
  const problem = alertProblem(plan, alert);
  if (problem) throw new GateRefused(problem, issue);
  return alert!;
}

/** Runs every check; throws GateRefused on the first that fails. Reads only. */
export async function verifyGate(env: GateEnv, req: GateRequest): Promise<Verified> {
  const issue = await planIssue(env, req);
  const age = planAgeProblem(req.plan, env.now);
  if (age) throw new GateRefused(age, issue);
  const approval = await approvalOf(env, req, issue);
  const alert = await defenderAlert(env, req.plan, issue);
  return { issue, approval, alert };
}
