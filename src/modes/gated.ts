// What the remediate and rotate modes share: read the plan, verify the gate, apply this gate's actions through
// the gate's executor, and record the run on the incident issue (one comment, labels, closing when every gate
// of the plan is done). Orchestration only: the checks live in gate/, the changes in apply/.
import { readFileSync, statSync } from 'node:fs';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { readInputs } from '../action/inputs.js';
import type { AzureContext } from '../azure/context.js';
import { OIDC_AUDIENCE } from '../azure/credential.js';
import { selfObjectId } from '../azure/identity.js';
import { azureFromInputs } from '../action/azure.js';
import { azureFromCli, cliCloud, githubFromEnv } from '../cli-env.js';
import { UserError, describeFailure, errorMessage } from '../errors.js';
import { jwtClaims } from '../jwt.js';
import { getIdToken } from '../github/id-token.js';
import {
  ensureLabels,
  readIncidentIssue,
  resolveOwnLogin,
  type IncidentIssue,
  type RepoRef,
} from '../github/issues.js';
import { createOctokit, type Octokit } from '../github/octokit.js';
import type { Logger } from '../log.js';
import { planHash } from '../plan/canonical.js';
import { findPlanHash } from '../report/plan-hash.js';
import type { Plan, PlanAction } from '../plan/types.js';
import type { Gate } from '../steps/index.js';
import { MAX_PLAN_BYTES, parsePlan } from '../gate/plan-input.js';
import { renderGateComment, renderRefusalComment, type GateRecord } from '../gate/record.js';
import { jobEnvironmentProblem } from '../gate/checks.js';
import { GateRefused, verifyGate, type ApprovalRecord } from '../gate/verify.js';
import { requirePlaybook } from './playbook-file.js';

/** The state label each gate leaves on the issue once all its actions reached their end state. */
export const GATE_LABELS: Record<Gate, string> = { remediate: 'contained', rotate: 'rotated' };
const TRIAGED = 'triaged';
const RESOLVED = 'resolved';

export interface ExecutorContext {
  az: AzureContext;
  log: Logger;
  selfObjectId: string;
  dryRun: boolean;
}

export interface ActionSummary {
  id: string;
  kind: string;
  status: string;
  message: string;
}

/** One gate's executor, adapted to the orchestration: its record section, a summary per action, and whether all reached their end state. */
export type GateApplier = (
  ctx: ExecutorContext,
  plan: Plan,
  actions: PlanAction[],
) => Promise<{
  record: Pick<GateRecord, 'remediate' | 'rotate'>;
  actions: ActionSummary[];
  complete: boolean;
  /** Why the gate is not complete although no action failed (e.g. a temporary firewall rule left on the vault). */
  unfinished?: string;
}>;

export interface GateRun {
  gate: Gate;
  planText: string;
  planSource: string;
  /** The playbook path ('' = the repository's, else the bundled one). */
  playbookPath: string;
  /** The GitHub environment the job runs in; default settings.gates.<gate>.environment. */
  environment?: string;
  /** The job's environment as its OIDC token names it (null: none); undefined when not signed in with OIDC. */
  jobEnvironment?: string | null;
  dryRun: boolean;
  github: { gh: Octokit; repo: RepoRef; runId?: number; issueAuthor?: string };
  az: AzureContext;
  log: Logger;
  now?: Date;
}

/** Whose incident issues are trusted: the given author (CLI), else the token's own login (the action). */
export async function trustedAuthor(github: { gh: Octokit; issueAuthor?: string }): Promise<string> {
  return github.issueAuthor ?? (await resolveOwnLogin(github.gh));
}

/** The CLI runs with a person's token, while the workflow's triage job wrote the issue as the Actions bot. */
export const DEFAULT_ISSUE_AUTHOR = 'github-actions[bot]';

export interface GateOutcome {
  mode: Gate;
  /** done: every action of the gate holds its end state; incomplete: some were refused or failed. */
  status: 'done' | 'incomplete' | 'dry-run' | 'nothing-to-do' | 'refused';
  alertId: string;
  planSha256: string;
  dryRun: boolean;
  issue: { number: number; url: string } | null;
  approval: ApprovalRecord | null;
  actions: ActionSummary[];
  closed: boolean;
  /** refused: why; incomplete: what beyond the actions' own results is left undone. */
  reason?: string;
}

function gateSettings(run: GateRun): { environment: string; requireApproval: boolean } {
  const { playbook, file } = requirePlaybook(run.playbookPath);
  const settings = playbook.settings.gates[run.gate];
  const environment = run.environment?.trim() || settings?.environment;
  if (!environment) {
    throw new UserError(
      `the ${run.gate} gate has no environment: set settings.gates.${run.gate}.environment in ${file} or the environment input`,
    );
  }
  if (settings && run.environment && settings.environment.toLowerCase() !== run.environment.trim().toLowerCase()) {
    run.log.warning(
      `environment input '${run.environment}' differs from settings.gates.${run.gate}.environment '${settings.environment}'; checking '${environment}'`,
    );
  }
  return { environment, requireApproval: settings?.requireApproval ?? true };
}

async function comment(run: GateRun, issue: IncidentIssue, body: string): Promise<void> {
  const { gh, repo } = run.github;
  await gh.rest.issues.createComment({ ...repo, issue_number: issue.number, body });
}

/** Labels after this gate; the issue closes when every gate the plan has is done. */
async function updateIssue(run: GateRun, issue: IncidentIssue, labels: string[], close: boolean): Promise<void> {
  const { gh, repo } = run.github;
  await ensureLabels(gh, repo, labels);
  await gh.rest.issues.update({
    ...repo,
    issue_number: issue.number,
    labels,
    ...(close && issue.state === 'open' ? { state: 'closed' as const, state_reason: 'completed' as const } : {}),
  });
}

export async function runGate(run: GateRun, apply: GateApplier): Promise<GateOutcome> {
  const { gate, log, dryRun } = run;
  const plan = parsePlan(run.planText, run.planSource);
  const planSha256 = planHash(plan);
  const actions = plan.actions.filter((a) => a.gate === gate);
  const base = { mode: gate, alertId: plan.alertId, planSha256, dryRun, closed: false };
  if (actions.length === 0) {
    log.info(`the plan has no ${gate} actions; nothing to do`);
    return { ...base, status: 'nothing-to-do', issue: null, approval: null, actions: [] };
  }
  const { environment, requireApproval } = gateSettings(run);
  const mismatch =
    run.jobEnvironment === undefined ? undefined : jobEnvironmentProblem(environment, run.jobEnvironment);
  if (mismatch && requireApproval) throw new GateRefused(mismatch);
  const trustedLogin = await trustedAuthor(run.github);
  let verified;
  try {
    verified = await verifyGate(
      { ...run.github, trustedLogin, az: run.az, now: run.now ?? new Date() },
      { plan, planSha256, gate, environment, requireApproval },
    );
  } catch (error) {
    if (error instanceof GateRefused && error.issue && !dryRun) {
      await comment(run, error.issue, renderRefusalComment(gate, error.message));
    }
    throw error;
  }
  const { issue, approval, alert } = verified;
  if (!approval.approved) log.warning(`${gate}: ${approval.note}`);
  const self = await selfObjectId(run.az);
  const applied = await apply({ az: run.az, log, selfObjectId: self, dryRun }, plan, actions);
  const outcome = { ...base, issue: { number: issue.number, url: issue.url }, approval, actions: applied.actions };
  if (dryRun) return { ...outcome, status: 'dry-run' };

  // The issue as it is now: while this run applied its plan, the alert may have fired again and a triage run put
  // a newer plan on the issue (and reset its labels). Record against that, and leave the issue open for it.
  const now = await readIncidentIssue(run.github.gh, run.github.repo, issue.number);
  const shown = findPlanHash(now.body);
  const supersededBy = shown === planSha256 ? undefined : (shown ?? 'none');
  const labels = new Set(now.labels);
  if (applied.complete) {
    if (!supersededBy) labels.delete(TRIAGED);
    labels.add(GATE_LABELS[gate]);
  }
  const planGates = [...new Set(plan.actions.map((a) => a.gate))];
  const pending = supersededBy ? [] : planGates.filter((g) => !labels.has(GATE_LABELS[g]));
  const closing = applied.complete && pending.length === 0 && !supersededBy;
  if (closing) labels.add(RESOLVED);
  await comment(
    run,
    now,
    renderGateComment({
      gate,
      planSha256,
      approval,
      alert,
      ...applied.record,
      closing,
      pending,
      ...(supersededBy ? { supersededBy } : {}),
    }),
  );
  await updateIssue(run, now, [...labels], closing);
  log.info(`${gate}: recorded on issue #${issue.number}${closing ? ' and closed it' : ''}`);
  return {
    ...outcome,
    status: applied.complete ? 'done' : 'incomplete',
    closed: closing,
    ...(applied.unfinished ? { reason: applied.unfinished } : {}),
  };
}

/** Reads a plan file, refusing anything over the plan size limit before reading it. */
export function readPlanFile(path: string, what: string): string {
  try {
    if (statSync(path).size > MAX_PLAN_BYTES) throw new UserError(`${what}: over the 1 MiB limit`);
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof UserError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`${what}: ${code === 'ENOENT' ? 'no such file' : errorMessage(error)}`);
  }
}

function incompleteError(outcome: GateOutcome): UserError {
  const bad = outcome.actions.filter((a) => a.status === 'refused' || a.status === 'failed' || a.status === 'partial');
  const where = outcome.issue ? `; see issue #${outcome.issue.number}` : '';
  const why = [...bad.map((a) => `${a.id}: ${a.message}`), ...(outcome.reason ? [outcome.reason] : [])];
  const what =
    bad.length > 0
      ? `${bad.length} of ${outcome.actions.length} ${outcome.mode} action(s) did not reach their end state`
      : `the ${outcome.mode} gate is not complete`;
  return new UserError(`${what} (${why.join('; ')})${where}`);
}

/** The `environment` claim of the job's GitHub OIDC token (null when the job has no environment). */
async function oidcEnvironment(): Promise<string | null> {
  let token: string;
  try {
    token = await getIdToken(OIDC_AUDIENCE);
  } catch (error) {
    throw new UserError(`could not get a GitHub OIDC token to read the job's environment: ${describeFailure(error)}`);
  }
  const claims = jwtClaims(token);
  if (!claims) throw new UserError('the GitHub OIDC token is not a JWT; cannot read the job environment');
  return typeof claims.environment === 'string' && claims.environment !== '' ? claims.environment : null;
}

/** Action mode: inputs from action.yml, repository and run from the workflow context. */
export async function runGateAction(gate: Gate, apply: GateApplier, log: Logger): Promise<void> {
  const inputs = readInputs();
  if (!inputs.plan) throw new UserError(`input plan is empty: pass the triage job's plan output to the ${gate} job`);
  if (!inputs.githubToken) throw new UserError('input github-token is empty');
  const planText = inputs.plan.startsWith('{') ? inputs.plan : readPlanFile(inputs.plan, `input plan ${inputs.plan}`);
  const az = azureFromInputs(inputs, log);
  const environment = core.getInput('environment').trim();
  const runId = github.context.runId;
  const jobEnvironment = inputs.azureClientId ? await oidcEnvironment() : undefined;
  let outcome: GateOutcome;
  try {
    outcome = await runGate(
      {
        gate,
        planText,
        planSource: 'input plan',
        playbookPath: inputs.playbook,
        ...(environment ? { environment } : {}),
        ...(jobEnvironment !== undefined ? { jobEnvironment } : {}),
        dryRun: inputs.dryRun,
        github: {
          gh: createOctokit(inputs.githubToken, log),
          repo: github.context.repo,
          ...(Number.isInteger(runId) && runId > 0 ? { runId } : {}),
        },
        az,
        log,
      },
      apply,
    );
  } catch (error) {
    if (error instanceof GateRefused)
      core.setOutput('result', JSON.stringify({ mode: gate, status: 'refused', reason: error.message }));
    throw error;
  }
  core.setOutput('result', JSON.stringify(outcome));
  if (outcome.issue) {
    core.setOutput('issue-number', String(outcome.issue.number));
    core.setOutput('issue-url', outcome.issue.url);
  }
  core.setOutput('alert-id', outcome.alertId);
  core.setOutput('plan-sha256', outcome.planSha256);
  if (outcome.status === 'incomplete') throw incompleteError(outcome);
}

/** `kv-alert-playbook remediate|rotate --plan <file>`: GitHub from GITHUB_TOKEN / GITHUB_REPOSITORY (/ GITHUB_RUN_ID). */
export async function runGateCli(
  gate: Gate,
  apply: GateApplier,
  args: { values: Record<string, unknown>; log: Logger },
): Promise<number> {
  const { values, log } = args;
  const planArg = values.plan;
  if (typeof planArg !== 'string' || planArg === '') throw new UserError(`${gate}: --plan <file> is required`);
  const { gh, repo } = githubFromEnv(log, `${gate} checks the plan against its incident issue`);
  const runId = Number(process.env.GITHUB_RUN_ID);
  const cloud = cliCloud(values.cloud);
  const outcome = await runGate(
    {
      gate,
      planText: readPlanFile(planArg, `--plan ${planArg}`),
      planSource: `--plan ${planArg}`,
      playbookPath: typeof values.playbook === 'string' ? values.playbook : '',
      ...(typeof values.environment === 'string' ? { environment: values.environment } : {}),
      dryRun: values['dry-run'] === true,
      github: {
        gh,
        repo,
        ...(Number.isInteger(runId) && runId > 0 ? { runId } : {}),
        issueAuthor: typeof values['issue-author'] === 'string' ? values['issue-author'] : DEFAULT_ISSUE_AUTHOR,
      },
      az: azureFromCli(cloud, log),
      log,
    },
    apply,
  );
  process.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
  if (outcome.status === 'incomplete') throw incompleteError(outcome);
  return 0;
}
