// triage mode (action and CLI): read the alert and the playbook, gather findings, plan, and open or update the
// one issue for the alert. Orchestration only: the engine is src/triage, rendering src/report, writing src/github.
import { readFileSync } from 'node:fs';
import * as core from '@actions/core';
import * as github from '@actions/github';
import { readActionAlert } from '../action/alert.js';
import { readInputs } from '../action/inputs.js';
import { alertFromText } from '../alert/intake.js';
import { normalizeAlert, type NormalizedAlert } from '../alert/normalize.js';
import type { Cloud } from '../azure/cloud.js';
import type { AzureContext } from '../azure/context.js';
import { selfObjectId } from '../azure/identity.js';
import { azureFromInputs } from '../action/azure.js';
import { azureFromCli, cliCloud, githubFromEnv } from '../cli-env.js';
import { UserError, errorMessage } from '../errors.js';
import { findRelatedIncidents, resolveOwnLogin, upsertIncident, type RepoRef } from '../github/issues.js';
import { createOctokit, type Octokit } from '../github/octokit.js';
import type { Logger } from '../log.js';
import type { ReportInput } from '../report/input.js';
import { renderIssue } from '../report/issue.js';
import { renderRefireComment } from '../report/comment.js';
import { planOffer, reusablePlan, type PlanOffer } from '../report/plan-offer.js';
import { renderSummary } from '../report/summary.js';
import { indexServiceTags, type ServiceTagIndex } from '../source/ip-class.js';
import { runTriage, type TriageOutcome } from '../triage/run.js';
import { readAlertArg } from './explain.js';
import { requirePlaybook } from './playbook-file.js';

export interface TriageRun {
  normalized: NormalizedAlert;
  playbookPath: string;
  az?: AzureContext;
  cloud: Cloud;
  workspaceId?: string;
  github?: { gh: Octokit; repo: RepoRef; runUrl?: string };
  dryRun: boolean;
  log: Logger;
}

export interface TriageReport {
  outcome: TriageOutcome;
  report: ReportInput;
  issue: { title: string; body: string; labels: string[] };
  written?: { number: number; url: string; created: boolean; reopened: boolean };
  /** Whether the issue, read back after our writes, shows this run's plan (undefined: nothing was written). */
  offer?: PlanOffer;
}

/** settings.service-tags: Azure's published ranges, read once per run. */
function readServiceTags(path: string): ServiceTagIndex {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`settings.service-tags ${path}: ${code === 'ENOENT' ? 'no such file' : errorMessage(error)}`);
  }
  try {
    return indexServiceTags(json);
  } catch (error) {
    throw new UserError(`settings.service-tags ${path}: ${errorMessage(error)}`);
  }
}

/** Signs in (fails clearly when OIDC is misconfigured) and tells who we are; other failures only warn. */
async function whoAmI(az: AzureContext | undefined, log: Logger): Promise<string | undefined> {
  if (!az) return undefined;
  try {
    return await selfObjectId(az);
  } catch (error) {
    if (error instanceof UserError) throw error;
    log.warning(`Azure sign-in failed, findings will be incomplete: ${errorMessage(error)}`);
    return undefined;
  }
}

export async function triage(run: TriageRun): Promise<TriageReport> {
  const { normalized, log } = run;
  for (const warning of normalized.warnings) log.warning(warning);
  const { text, playbook } = requirePlaybook(run.playbookPath);
  const serviceTags = playbook.settings.serviceTags ? readServiceTags(playbook.settings.serviceTags) : undefined;
  const alert = normalized.alert;
  const now = new Date();
  const [self, trustedLogin] = await Promise.all([
    whoAmI(run.az, log),
    run.github ? resolveOwnLogin(run.github.gh) : undefined,
  ]);
  const outcome = await runTriage({
    normalized,
    playbook,
    playbookText: text,
    ...(run.az ? { az: run.az } : {}),
    ...(self ? { selfObjectId: self } : {}),
    ...(run.workspaceId ? { workspaceId: run.workspaceId } : {}),
    ...(serviceTags ? { serviceTags } : {}),
    now,
  });
  const report: ReportInput = {
    alert,
    findings: outcome.findings,
    plan: outcome.plan,
    planSha256: outcome.planSha256,
    match: outcome.match,
    owners: outcome.owners,
    cloud: run.cloud,
    related: [],
    ...(run.github?.runUrl ? { runUrl: run.github.runUrl } : {}),
  };
  let issue = renderIssue(report);
  if (outcome.match.suppressed) {
    log.info(`alert ${alert.id}: suppressed by rule ${outcome.match.matched.find((r) => r.suppress)?.name}; no issue`);
    return { outcome, report, issue };
  }
  if (!run.github || run.dryRun || !trustedLogin) {
    log.info(`dry run: would open or update the issue "${issue.title}"`);
    return { outcome, report, issue };
  }
  const { gh, repo } = run.github;
  const vaultLabel = issue.labels.find((l) => l.startsWith('vault:'));
  if (vaultLabel) {
    report.related = await findRelatedIncidents(gh, repo, vaultLabel, alert.id, trustedLogin);
    if (report.related.length) issue = renderIssue(report);
  }
  let offered = outcome;
  /** The issue shows our plan but for its creation time (a duplicate delivery, a concurrent run): offer that one. */
  const adopt = (body: string): void => {
    const same = reusablePlan(body, outcome.plan, now);
    if (!same || same.planSha256 === offered.planSha256) return;
    offered = { ...outcome, ...same };
    Object.assign(report, same);
    issue = renderIssue(report);
  };
  const result = await upsertIncident(
    gh,
    repo,
    alert.id,
    { ...issue, assignees: outcome.owners.assign },
    {
      trustedLogin,
      reopenClosed: playbook.settings.reopenClosed,
      // Keeps the hash a reviewer may be approving when nothing in the plan changed.
      revise: (previous) => {
        adopt(previous.body);
        return { ...issue, assignees: outcome.owners.assign };
      },
      refireComment: (previous) => renderRefireComment(previous.body, report),
    },
  );
  // Lost the race to open the issue, or a concurrent run wrote after us, with the same plan: that one is ours too.
  adopt(result.issue.body);
  log.info(`issue #${result.issue.number} ${result.created ? 'opened' : 'updated'}: ${result.issue.url}`);
  return {
    outcome: offered,
    report,
    issue,
    written: { number: result.issue.number, url: result.issue.url, created: result.created, reopened: result.reopened },
    offer: planOffer(result.issue, offered.planSha256),
  };
}

/** A gate is needed when the plan has its actions and the issue shows this run's plan (else it would refuse it). */
function needs(r: TriageReport, gate: 'remediate' | 'rotate'): boolean {
  const { outcome } = r;
  if (r.offer && !r.offer.offered) return false;
  return !outcome.match.suppressed && outcome.plan.actions.some((a) => a.gate === gate);
}

function resultJson(r: TriageReport, dryRun: boolean): string {
  return JSON.stringify({
    mode: 'triage',
    alertId: r.outcome.normalized.alert.id,
    suppressed: r.outcome.match.suppressed,
    dryRun,
    matchedRules: r.outcome.match.matched.map((m) => m.name),
    planSha256: r.outcome.planSha256,
    actions: r.outcome.plan.actions.map((a) => ({ id: a.id, kind: a.kind, gate: a.gate })),
    issue: r.written ?? null,
    // false: the issue shows another run's plan (issuePlanSha256); this run's gated jobs would be refused.
    planOffered: r.offer?.offered ?? null,
    ...(r.offer && !r.offer.offered ? { issuePlanSha256: r.offer.shown ?? null } : {}),
  });
}

export async function runTriageAction(log: Logger): Promise<void> {
  const inputs = readInputs();
  const az = azureFromInputs(inputs, log);
  const normalized = await readActionAlert(inputs.alert, az);
  if (!inputs.githubToken) throw new UserError('input github-token is empty');
  const gh = createOctokit(inputs.githubToken, log);
  const { serverUrl, runId } = github.context;
  const repo = github.context.repo;
  const r = await triage({
    normalized,
    playbookPath: inputs.playbook,
    az,
    cloud: az.cloud,
    ...(inputs.workspaceId ? { workspaceId: inputs.workspaceId } : {}),
    github: { gh, repo, runUrl: `${serverUrl}/${repo.owner}/${repo.repo}/actions/runs/${runId}` },
    dryRun: inputs.dryRun,
    log,
  });
  const alert = r.outcome.normalized.alert;
  const notice = r.offer && !r.offer.offered ? r.offer.notice : undefined;
  if (notice) core.notice(notice);
  core.setOutput('alert-id', alert.id);
  core.setOutput('issue-number', r.written ? String(r.written.number) : '');
  core.setOutput('issue-url', r.written?.url ?? '');
  core.setOutput('matched-rules', JSON.stringify(r.outcome.match.matched.map((m) => m.name)));
  core.setOutput('plan', JSON.stringify(r.outcome.plan));
  core.setOutput('plan-sha256', r.outcome.planSha256);
  core.setOutput('needs-remediation', String(needs(r, 'remediate')));
  core.setOutput('needs-rotation', String(needs(r, 'rotate')));
  core.setOutput('result', resultJson(r, inputs.dryRun));
  // The notice holds only an issue number and hashes: safe as Markdown.
  if (notice) core.summary.addRaw(`> **Note:** ${notice}.\n\n`);
  await core.summary.addRaw(renderSummary(r.report)).write();
}

export async function runTriageCli(args: { values: Record<string, unknown>; log: Logger }): Promise<number> {
  const { values, log } = args;
  const alertArg = values.alert;
  if (typeof alertArg !== 'string' || alertArg === '') throw new UserError('triage: --alert <file|-> is required');
  const dryRun = values['dry-run'] === true;
  const cloud = cliCloud(values.cloud);
  const normalized = normalizeAlert(alertFromText(await readAlertArg(alertArg), `--alert ${alertArg}`));
  const az = values['no-azure'] ? undefined : azureFromCli(cloud, log);
  const gh = dryRun ? undefined : githubFromEnv(log, 'triage writes the incident issue (or use --dry-run)');
  const r = await triage({
    normalized,
    playbookPath: typeof values.playbook === 'string' ? values.playbook : '',
    ...(az ? { az } : {}),
    cloud,
    ...(typeof values.workspace === 'string' ? { workspaceId: values.workspace } : {}),
    ...(gh ? { github: gh } : {}),
    dryRun,
    log,
  });
  if (r.offer && !r.offer.offered) log.warning(r.offer.notice);
  if (values.json) {
    const o = r.outcome;
    const out = {
      alert: o.normalized.alert,
      matchedRules: o.match.matched.map((m) => m.name),
      findings: o.findings,
      plan: o.plan,
      planSha256: o.planSha256,
      issue: { ...r.issue, ...(r.written ? { number: r.written.number, url: r.written.url } : {}) },
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    process.stdout.write(`${r.issue.title}\n\n${r.issue.body}\n`);
  }
  return 0;
}
