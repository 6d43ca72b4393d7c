// The incident-issue adapter against the fake GitHub, with the real Octokit (throttling and retry plugins).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOctokit } from '../../src/github/octokit.js';
import { findIncidentIssues, incidentMarker, upsertIncident, type RepoRef } from '../../src/github/issues.js';
import type { Logger } from '../../src/log.js';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import type { SandboxScenario } from '../sandbox/scenario.js';

const repo: RepoRef = { owner: 'octo-org', repo: 'secops' };
const silent: Logger = { debug() {}, info() {}, warning() {}, error() {} };
const BOT = 'github-actions[bot]';

function scenario(github: Partial<SandboxScenario['github']> = {}): SandboxScenario {
  return {
    name: 'issues',
    description: 'GitHub only',
    azure: { tenantId: '11111111-1111-4111-8111-111111111111', subscriptionId: '22222222-2222-4222-8222-222222222222' },
    github: { ...repo, ...github },
  };
}

const content = (title = 'KV_TORAccess on kv-prod') => ({
  title,
  body: 'findings',
  labels: ['kv-alert', 'severity:Medium', 'vault:kv-prod', 'triaged'],
  assignees: [],
});
const options = { trustedLogin: BOT, reopenClosed: true, refireComment: () => 'The alert fired again.' };

describe('incident issues', () => {
  let sandbox: Sandbox;
  afterEach(async () => sandbox?.close());

  describe('in an empty repository', () => {
    beforeEach(async () => {
      sandbox = await startSandbox(scenario());
    });

    it('creates one issue with the marker and labels, then updates it and comments on a re-fire', async () => {
      const gh = createOctokit(sandbox.actionToken, silent, sandbox.githubUrl);
      const first = await upsertIncident(gh, repo, 'Alert-1', content(), options);
      expect(first.created).toBe(true);
      const second = await upsertIncident(gh, repo, 'alert-1', content('KV_TORAccess on kv-prod (again)'), options);
      expect(second).toMatchObject({ created: false, issue: { number: first.issue.number } });

      const issues = [...sandbox.github.issues.values()];
      expect(issues).toHaveLength(1);
      expect(issues[0]!.body?.toLowerCase().startsWith(incidentMarker('alert-1').toLowerCase())).toBe(true);
      expect(issues[0]!.title).toBe('KV_TORAccess on kv-prod (again)');
      expect(sandbox.github.comments.map((c) => c.body)).toEqual(['The alert fired again.']);
      expect(sandbox.github.labels.map((l) => l.name).sort()).toEqual(
        ['kv-alert', 'severity:Medium', 'triaged', 'vault:kv-prod'].sort(),
      );
    });

    // The throttling plugin spaces each client's writes by a second, as GitHub asks: this test takes a while.
    it('ends with one open issue when runs for the same alert race', async () => {
      const runs = Array.from({ length: 3 }, () =>
        upsertIncident(createOctokit(sandbox.actionToken, silent, sandbox.githubUrl), repo, 'race', content(), options),
      );
      const results = await Promise.all(runs);
      const open = [...sandbox.github.issues.values()].filter((i) => i.state === 'open');
      expect(open).toHaveLength(1);
      expect(new Set(results.map((r) => r.issue.number))).toEqual(new Set([open[0]!.number]));
    }, 90_000);
  });

  it('trusts the marker only on issues the action wrote, and skips pull requests', async () => {
    const marker = incidentMarker('alert-2');
    sandbox = await startSandbox(
      scenario({
        issues: [
          { title: 'forged', body: marker, labels: ['kv-alert'], author: 'mallory' },
          { title: 'a pr', body: marker, labels: ['kv-alert'], pullRequest: true },
        ],
      }),
    );
    const gh = createOctokit(sandbox.actionToken, silent, sandbox.githubUrl);
    expect(await findIncidentIssues(gh, repo, 'alert-2', BOT)).toEqual([]);
    const result = await upsertIncident(gh, repo, 'alert-2', content(), options);
    expect(result.created).toBe(true);
  });

  it('reopens a closed incident when the playbook says so, keeping labels people added', async () => {
    sandbox = await startSandbox(
      scenario({
        issues: [
          {
            title: 'old',
            body: `${incidentMarker('alert-3')}\nold`,
            labels: ['kv-alert', 'resolved', 'needs-postmortem'],
            state: 'closed',
          },
        ],
      }),
    );
    const gh = createOctokit(sandbox.actionToken, silent, sandbox.githubUrl);
    const result = await upsertIncident(gh, repo, 'alert-3', content(), options);
    expect(result.reopened).toBe(true);
    const issue = [...sandbox.github.issues.values()][0]!;
    expect(issue.state).toBe('open');
    expect(issue.labels.sort()).toEqual([
      'kv-alert',
      'needs-postmortem',
      'severity:Medium',
      'triaged',
      'vault:kv-prod',
    ]);
  });
});
