// Concurrent triage runs for one alert (reliability finding F5): the incident issue keeps one run's plan, and a
// gated job refuses any other. A run that finds, after its writes, the issue showing another run's plan must not
// offer its own for approval. triage() in-process with the real Octokit against the fake GitHub.
import { afterEach, describe, expect, it } from 'vitest';
import { alertFromText } from '../../src/alert/intake.js';
import { normalizeAlert } from '../../src/alert/normalize.js';
import { resolveCloud } from '../../src/azure/cloud.js';
import { createOctokit } from '../../src/github/octokit.js';
import type { Logger } from '../../src/log.js';
import { triage, type TriageReport } from '../../src/modes/triage.js';
import { findPlanHash, planHashLine } from '../../src/report/plan-hash.js';
import { defenderAlertResource } from '../e2e/support.js';
import { loadScenario, startSandbox, type Sandbox } from '../sandbox/index.js';

const scenario = loadScenario('tor-reads-three-secrets');
const repo = { owner: scenario.github.owner, repo: scenario.github.repo };
const silent: Logger = { debug() {}, info() {}, warning() {}, error() {} };

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

function run(s: Sandbox, afterComment?: () => void): Promise<TriageReport> {
  const gh = createOctokit(s.actionToken, silent, s.githubUrl);
  if (afterComment) {
    gh.hook.after('request', (_response, options) => {
      if (options.method === 'POST' && /\/comments$/.test(String(options.url))) afterComment();
    });
  }
  return triage({
    normalized: normalizeAlert(alertFromText(JSON.stringify(defenderAlertResource(s.scenario)), 'alert')),
    playbookPath: '',
    cloud: resolveCloud('public'),
    github: { gh, repo },
    dryRun: false,
    log: silent,
  });
}

const openIssues = (s: Sandbox) => s.github.issues.filter((i) => i.state === 'open');

describe('concurrent triage runs for one alert', { timeout: 60_000 }, () => {
  it('a run whose plan was replaced on the issue after it wrote does not offer it, and says whose plan will be applied', async () => {
    const s = (sandbox = await startSandbox(scenario));
    const first = await run(s);
    expect(first.offer).toEqual({ offered: true });

    // A concurrent run's update lands between this run's writes and its read-back.
    const other = 'e'.repeat(64);
    const second = await run(s, () => {
      const issue = openIssues(s)[0]!;
      issue.body = issue.body!.replace(/^Plan SHA-256: .*$/m, planHashLine(other));
    });
    expect(second.written?.number).toBe(first.written?.number);
    expect(second.offer).toMatchObject({ offered: false, shown: other });
    const notice = second.offer?.offered === false ? second.offer.notice : '';
    expect(notice).toContain(`issue #${first.written!.number} shows plan SHA-256 ${other}`);
    expect(notice).toContain(second.outcome.planSha256);
    expect(notice).toMatch(/does not offer its plan for approval.*gated jobs of the run whose plan the issue shows/);
  });

  it('a run whose plan equals the one the issue shows but for its creation time offers that plan', async () => {
    const s = (sandbox = await startSandbox(scenario));
    const first = await run(s);
    const again = await run(s);
    expect(again.written).toMatchObject({ number: first.written!.number, created: false });
    expect(again.outcome.planSha256).toBe(first.outcome.planSha256);
    expect(again.outcome.plan).toEqual(first.outcome.plan);
    expect(again.offer).toEqual({ offered: true });
    expect(findPlanHash(openIssues(s)[0]!.body!)).toBe(first.outcome.planSha256);
    expect(s.github.comments.at(-1)!.body).toContain(`**Plan:** unchanged (SHA-256 \`${first.outcome.planSha256}\`)`);
  });

  it('runs racing to open the issue with the same plan all offer the one the open issue shows', async () => {
    const s = (sandbox = await startSandbox(scenario));
    const runs = await Promise.all([run(s), run(s), run(s)]);
    expect(openIssues(s)).toHaveLength(1);
    const shown = findPlanHash(openIssues(s)[0]!.body!);
    // A run that lost the race closed its own issue; one that found the issue updated it. Either way the plan the
    // issue shows equals its own but for the creation time, so it offers that one.
    expect(runs.map((r) => [r.offer?.offered, r.outcome.planSha256])).toEqual(runs.map(() => [true, shown]));
  });
});
