// `kv-alert-playbook rollback --plan <file> --gate remediate [--force]`: restores what the remediate gate
// changed, for a person with their own Azure credentials. The plan must still be the one its issue shows (a
// plan file is untrusted, and rollback writes access entries); the run is recorded on the issue.
import { rollbackRemediate } from '../apply/rollback.js';
import type { RemediateResult } from '../apply/remediate-types.js';
import type { AzureContext } from '../azure/context.js';
import { selfObjectId } from '../azure/identity.js';
import { azureFromCli, cliCloud, githubFromEnv } from '../cli-env.js';
import { UserError } from '../errors.js';
import type { RepoRef } from '../github/issues.js';
import type { Octokit } from '../github/octokit.js';
import type { Logger } from '../log.js';
import { planHash } from '../plan/canonical.js';
import { parsePlan } from '../gate/plan-input.js';
import { renderRollbackComment } from '../gate/record.js';
import { planIssue } from '../gate/verify.js';
import { DEFAULT_ISSUE_AUTHOR, GATE_LABELS, readPlanFile, trustedAuthor } from './gated.js';

export interface RollbackRun {
  planText: string;
  planSource: string;
  force: boolean;
  dryRun: boolean;
  github: { gh: Octokit; repo: RepoRef; issueAuthor?: string };
  az: AzureContext;
  log: Logger;
}

export interface RollbackOutcome {
  planSha256: string;
  issue: { number: number; url: string };
  results: RemediateResult[];
}

export async function rollback(run: RollbackRun): Promise<RollbackOutcome> {
  const plan = parsePlan(run.planText, run.planSource);
  const planSha256 = planHash(plan);
  const { gh, repo } = run.github;
  const issue = await planIssue({ gh, repo, trustedLogin: await trustedAuthor(run.github) }, { plan, planSha256 });
  const self = await selfObjectId(run.az);
  const ctx = { az: run.az, log: run.log, selfObjectId: self, dryRun: run.dryRun };
  const results = await rollbackRemediate(ctx, plan, { force: run.force });
  if (!run.dryRun && results.some((r) => r.status === 'applied')) {
    await gh.rest.issues.createComment({
      ...repo,
      issue_number: issue.number,
      body: renderRollbackComment(planSha256, results, run.force),
    });
    const labels = issue.labels.filter((l) => l !== GATE_LABELS.remediate && l !== 'resolved');
    await gh.rest.issues.update({
      ...repo,
      issue_number: issue.number,
      labels,
      ...(issue.state === 'closed' ? { state: 'open' as const, state_reason: 'reopened' as const } : {}),
    });
  }
  return { planSha256, issue: { number: issue.number, url: issue.url }, results };
}

/** Plain-text report: one line per action, then what a --force would overwrite and the notes. */
export function formatRollback(outcome: RollbackOutcome): string {
  const lines: string[] = [];
  for (const r of outcome.results) {
    lines.push(`${r.actionId}: ${r.status}: ${r.message}`);
    for (const c of r.changes) lines.push(`  ${c.what}: ${c.before} -> ${c.after}`);
    for (const d of r.drift ?? []) {
      lines.push(
        `  would overwrite ${d.field}: now ${d.now} (the remediate gate left ${d.snapshot}; rollback restores ${d.planned})`,
      );
    }
    for (const n of r.notes) lines.push(`  ${n}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function runRollbackCli(args: { values: Record<string, unknown>; log: Logger }): Promise<number> {
  const { values, log } = args;
  const planArg = values.plan;
  if (typeof planArg !== 'string' || planArg === '') throw new UserError('rollback: --plan <file> is required');
  if (values.gate !== 'remediate') {
    throw new UserError(
      'rollback: --gate remediate is the only gate rolled back here; a rotation is undone by enabling the disabled versions (see the rotate comment on the issue)',
    );
  }
  const { gh, repo } = githubFromEnv(log, 'rollback checks the plan against its incident issue');
  const cloud = cliCloud(values.cloud);
  const outcome = await rollback({
    planText: readPlanFile(planArg, `--plan ${planArg}`),
    planSource: `--plan ${planArg}`,
    force: values.force === true,
    dryRun: values['dry-run'] === true,
    github: {
      gh,
      repo,
      issueAuthor: typeof values['issue-author'] === 'string' ? values['issue-author'] : DEFAULT_ISSUE_AUTHOR,
    },
    az: azureFromCli(cloud, log),
    log,
  });
  process.stdout.write(formatRollback(outcome));
  const blocked = outcome.results.filter((r) => r.status === 'refused' || r.status === 'failed');
  if (blocked.length === 0) return 0;
  const drifted = blocked.some((r) => r.drift?.length);
  throw new UserError(
    drifted && !values.force
      ? 'rollback: later changes would be overwritten (listed above); nothing was changed for those actions; run again with --force to overwrite them'
      : `rollback: ${blocked.length} action(s) not restored (listed above)`,
  );
}
