// Drives every fake GitHub route with the real getOctokit (and its retry and throttling plugins) and the real
// core.getIDToken, as the action will.
import * as core from '@actions/core';
import { getOctokit } from '@actions/github';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubTestScenario } from './fixtures.js';
import { OIDC_LIFETIME_SECONDS } from './github/index.js';
import { startSandbox, type Sandbox } from './index.js';

let sandbox: Sandbox;
const repo = { owner: 'contoso', repo: 'secops' };
const octokit = (token = 'ghs_action') => getOctokit(token, { baseUrl: sandbox.githubUrl });

beforeAll(async () => {
  sandbox = await startSandbox(githubTestScenario());
});
afterAll(async () => {
  await sandbox.close();
});

describe('fake GitHub issues, comments and labels', () => {
  it('creates an issue as the token identity, with labels created on the fly, and reads it back', async () => {
    const gh = octokit();
    const created = await gh.rest.issues.create({
      ...repo,
      title: 'Suspicious IP',
      body: 'b',
      labels: ['kv-alert', 'severity:High'],
    });
    expect(created.status).toBe(201);
    expect(created.data.user?.login).toBe('github-actions[bot]');
    expect(created.data.user?.type).toBe('Bot');
    expect(created.data.labels.map((l) => (typeof l === 'string' ? l : l.name))).toEqual(['kv-alert', 'severity:High']);
    const read = await gh.rest.issues.get({ ...repo, issue_number: created.data.number });
    expect(read.data.title).toBe('Suspicious IP');
    expect(sandbox.github.label('severity:high')?.color).toBe('ededed');
  });

  it('updates title, body, state and labels; closing records who and when', async () => {
    const gh = octokit();
    const { data: issue } = await gh.rest.issues.create({ ...repo, title: 't', labels: ['triaged'] });
    const closed = await gh.rest.issues.update({
      ...repo,
      issue_number: issue.number,
      state: 'closed',
      labels: ['resolved'],
      body: 'done',
    });
    expect(closed.data.state).toBe('closed');
    expect(closed.data.state_reason).toBe('completed');
    expect(closed.data.closed_at).not.toBeNull();
    expect(closed.data.closed_by?.login).toBe('github-actions[bot]');
    expect(closed.data.labels.map((l) => (typeof l === 'string' ? l : l.name))).toEqual(['resolved']);
    const reopened = await gh.rest.issues.update({ ...repo, issue_number: issue.number, state: 'open' });
    expect(reopened.data.state_reason).toBe('reopened');
    expect(reopened.data.closed_at).toBeNull();
  });

  it('lists by label and state with paging through Link headers, pull requests included as on github.com', async () => {
    const gh = octokit();
    for (let i = 0; i < 5; i++) await gh.rest.issues.create({ ...repo, title: `paged ${i}`, labels: ['paged'] });
    const first = await gh.rest.issues.listForRepo({ ...repo, labels: 'paged', state: 'all', per_page: 2 });
    expect(first.data).toHaveLength(2);
    expect(first.headers.link).toContain('rel="next"');
    const all = await gh.paginate(gh.rest.issues.listForRepo, { ...repo, labels: 'paged', state: 'all', per_page: 2 });
    expect(all.map((i) => i.title).sort()).toEqual(['paged 0', 'paged 1', 'paged 2', 'paged 3', 'paged 4']);
    const everything = await gh.paginate(gh.rest.issues.listForRepo, { ...repo, state: 'all', per_page: 100 });
    expect(everything.some((i) => i.pull_request)).toBe(true);
    const oldestFirst = await gh.rest.issues.listForRepo({
      ...repo,
      state: 'all',
      sort: 'created',
      direction: 'asc',
      per_page: 1,
    });
    expect(oldestFirst.data[0]?.title).toBe('Older alert');
    const recent = await gh.rest.issues.listForRepo({
      ...repo,
      state: 'all',
      since: '2026-06-01T00:00:00Z',
      per_page: 100,
    });
    expect(recent.data.some((i) => i.title === 'Older alert')).toBe(false);
  });

  it('creates, lists and updates comments; the issue counts them', async () => {
    const gh = octokit();
    const { data: issue } = await gh.rest.issues.create({ ...repo, title: 'commented' });
    const { data: comment } = await gh.rest.issues.createComment({
      ...repo,
      issue_number: issue.number,
      body: 'first',
    });
    await gh.rest.issues.updateComment({ ...repo, comment_id: comment.id, body: 'edited' });
    const { data: comments } = await gh.rest.issues.listComments({ ...repo, issue_number: issue.number });
    expect(comments.map((c) => c.body)).toEqual(['edited']);
    expect((await gh.rest.issues.get({ ...repo, issue_number: issue.number })).data.comments).toBe(1);
    const seeded = await gh.rest.issues.listComments({ ...repo, issue_number: 1 });
    expect(seeded.data[0]?.user?.login).toBe('alice');
  });

  it('creates labels (422 when one exists), adds, replaces and removes them on an issue', async () => {
    const gh = octokit();
    await gh.rest.issues.createLabel({ ...repo, name: 'contained', color: '0e8a16' });
    await expect(gh.rest.issues.createLabel({ ...repo, name: 'Contained' })).rejects.toMatchObject({ status: 422 });
    expect((await gh.rest.issues.getLabel({ ...repo, name: 'contained' })).data.color).toBe('0e8a16');
    const names = (await gh.paginate(gh.rest.issues.listLabelsForRepo, { ...repo })).map((l) => l.name);
    expect(names).toContain('contained');
    const { data: issue } = await gh.rest.issues.create({ ...repo, title: 'labels', labels: ['triaged'] });
    const added = await gh.rest.issues.addLabels({ ...repo, issue_number: issue.number, labels: ['contained'] });
    expect(added.data.map((l) => l.name)).toEqual(['triaged', 'contained']);
    const removed = await gh.rest.issues.removeLabel({ ...repo, issue_number: issue.number, name: 'triaged' });
    expect(removed.data.map((l) => l.name)).toEqual(['contained']);
    await expect(
      gh.rest.issues.removeLabel({ ...repo, issue_number: issue.number, name: 'triaged' }),
    ).rejects.toMatchObject({
      status: 404,
    });
    const set = await gh.rest.issues.setLabels({ ...repo, issue_number: issue.number, labels: ['rotated'] });
    expect(set.data.map((l) => l.name)).toEqual(['rotated']);
  });

  it('answers 401 without a token or with an unknown one, 404 for another repository, 422 without a title', async () => {
    expect((await fetch(`${sandbox.githubUrl}/repos/contoso/secops/issues/1`)).status).toBe(401);
    await expect(octokit('nope').rest.issues.get({ ...repo, issue_number: 1 })).rejects.toMatchObject({ status: 401 });
    await expect(octokit().rest.issues.get({ owner: 'contoso', repo: 'other', issue_number: 1 })).rejects.toMatchObject(
      { status: 404 },
    );
    await expect(octokit().rest.issues.create({ ...repo, title: '' })).rejects.toMatchObject({ status: 422 });
    const unauthenticated = sandbox.requests.filter((r) => r.status === 401);
    expect(unauthenticated.every((r) => r.identity === undefined)).toBe(true);
  });
});

describe('fake GitHub search', () => {
  it('keeps new issues out of search until the index lag has passed', async () => {
    const lagged = await startSandbox(githubTestScenario({ searchIndexLagSeconds: 30 }));
    try {
      const gh = getOctokit('ghs_action', { baseUrl: lagged.githubUrl });
      await gh.rest.issues.create({ ...repo, title: 'fresh', body: 'marker kv-alert-x-9' });
      const q = 'repo:contoso/secops is:issue "kv-alert-x-9" in:body';
      expect((await gh.rest.search.issuesAndPullRequests({ q })).data.total_count).toBe(0);
      lagged.advanceClock(31_000);
      const found = await gh.rest.search.issuesAndPullRequests({ q });
      expect(found.data.items.map((i) => i.title)).toEqual(['fresh']);
      expect(found.data.items[0]?.score).toBe(1);
    } finally {
      await lagged.close();
    }
  });

  it('limits searches per minute with a primary rate limit (403, x-ratelimit-remaining 0) that lifts a minute later', async () => {
    const limited = await startSandbox(githubTestScenario({ searchPerMinute: 2 }));
    try {
      const gh = getOctokit('ghs_action', { baseUrl: limited.githubUrl });
      const q = 'repo:contoso/secops label:kv-alert';
      await gh.rest.search.issuesAndPullRequests({ q });
      await gh.rest.search.issuesAndPullRequests({ q });
      const refused = await gh.rest.search
        .issuesAndPullRequests({ q })
        .catch((e: { status: number; response: { headers: Record<string, string> } }) => e);
      expect(refused).toMatchObject({ status: 403, response: { headers: { 'x-ratelimit-remaining': '0' } } });
      expect((await gh.rest.issues.listForRepo({ ...repo })).status).toBe(200);
      limited.advanceClock(60_000);
      expect((await gh.rest.search.issuesAndPullRequests({ q })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('filters by label, state and type', async () => {
    const gh = octokit();
    const labelled = await gh.rest.search.issuesAndPullRequests({
      q: 'repo:contoso/secops is:issue label:kv-alert is:open',
    });
    expect(labelled.data.items.map((i) => i.title)).toContain('Older alert');
    const prs = await gh.rest.search.issuesAndPullRequests({ q: 'repo:contoso/secops is:pr' });
    expect(prs.data.items.map((i) => i.title)).toEqual(['A pull request']);
  });
});

describe('fake GitHub Actions routes', () => {
  it('serves the workflow run, its approvals and pending deployments', async () => {
    const gh = octokit();
    const run = await gh.rest.actions.getWorkflowRun({ ...repo, run_id: 4242 });
    expect(run.data.run_attempt).toBe(2);
    const approvals = await gh.rest.actions.getReviewsForRun({ ...repo, run_id: 4242 });
    expect(approvals.data).toMatchObject([
      { state: 'approved', user: { login: 'alice' }, environments: [{ name: 'keyvault-remediation' }] },
    ]);
    sandbox.github.addApproval(4242, { environments: ['keyvault-remediation'], state: 'rejected', user: 'bob' });
    expect((await gh.rest.actions.getReviewsForRun({ ...repo, run_id: 4242 })).data).toHaveLength(2);
    const pending = await gh.rest.actions.getPendingDeploymentsForRun({ ...repo, run_id: 4242 });
    expect(pending.data[0]?.reviewers.map((r) => r.type)).toEqual(['User', 'Team']);
    await expect(gh.rest.actions.getWorkflowRun({ ...repo, run_id: 1 })).rejects.toMatchObject({ status: 404 });
  });

  it('serves environments with and without protection rules', async () => {
    const gh = octokit();
    const protectedEnv = await gh.rest.repos.getEnvironment({ ...repo, environment_name: 'keyvault-remediation' });
    const reviewers = protectedEnv.data.protection_rules?.find((r) => r.type === 'required_reviewers');
    expect(reviewers).toMatchObject({ prevent_self_review: true });
    const open = await gh.rest.repos.getEnvironment({ ...repo, environment_name: 'unprotected' });
    expect(open.data.protection_rules).toEqual([]);
    await expect(
      gh.rest.repos.getEnvironment({ ...repo, environment_name: 'keyvault-remediaton' }),
    ).rejects.toMatchObject({
      status: 404,
    });
    expect((await gh.rest.repos.getAllEnvironments({ ...repo })).data.total_count).toBe(2);
  });

  it('records repository dispatches', async () => {
    await octokit().rest.repos.createDispatchEvent({
      ...repo,
      event_type: 'defender-alert',
      client_payload: { alert: { id: 'x' } },
    });
    expect(sandbox.github.dispatches.at(-1)).toMatchObject({
      eventType: 'defender-alert',
      clientPayload: { alert: { id: 'x' } },
    });
  });
});

describe('fake GitHub OIDC token endpoint', () => {
  async function idToken(job: string, audience: string) {
    const saved = { url: process.env.ACTIONS_ID_TOKEN_REQUEST_URL, token: process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN };
    process.env.ACTIONS_ID_TOKEN_REQUEST_URL = sandbox.oidcRequestUrl;
    process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = sandbox.github.oidcRequestToken(job);
    try {
      return await core.getIDToken(audience);
    } finally {
      process.env.ACTIONS_ID_TOKEN_REQUEST_URL = saved.url;
      process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = saved.token;
      if (saved.url === undefined) delete process.env.ACTIONS_ID_TOKEN_REQUEST_URL;
      if (saved.token === undefined) delete process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
    }
  }

  function decode(jwt: string) {
    const [header = '', payload = '', signature = ''] = jwt.split('.');
    const valid = verify(
      'sha256',
      Buffer.from(`${header}.${payload}`),
      sandbox.context.oidcPublicKey,
      Buffer.from(signature, 'base64url'),
    );
    return { valid, claims: JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown> };
  }

  it('mints a signed 5-minute token with the environment subject for an environment job', async () => {
    const { valid, claims } = decode(await idToken('remediate', 'api://AzureADTokenExchange'));
    expect(valid).toBe(true);
    expect(claims).toMatchObject({
      iss: sandbox.githubUrl,
      sub: 'repo:contoso/secops:environment:keyvault-remediation',
      aud: 'api://AzureADTokenExchange',
      environment: 'keyvault-remediation',
    });
    expect((claims.exp as number) - (claims.iat as number)).toBe(OIDC_LIFETIME_SECONDS);
  });

  it('uses the ref subject for a job without an environment', async () => {
    const { claims } = decode(await idToken('triage', 'api://AzureADTokenExchange'));
    expect(claims.sub).toBe('repo:contoso/secops:ref:refs/heads/main');
    expect(claims.environment).toBeUndefined();
  });

  it('refuses a request without the runtime token', async () => {
    const res = await fetch(`${sandbox.oidcRequestUrl}&audience=x`);
    expect(res.status).toBe(401);
  });
});

describe('retry and throttling plugins against the fake', () => {
  it('survive a secondary rate limit and a 502, and the write lands once', async () => {
    const limited = await startSandbox(
      githubTestScenario({ secondaryRateLimit: { perMinute: 1, retryAfterSeconds: 1 } }),
    );
    try {
      const secondaryLimits: number[] = [];
      const gh = getOctokit(
        'ghs_action',
        {
          baseUrl: limited.githubUrl,
          retry: { retryAfterBaseValue: 1 },
          throttle: {
            onRateLimit: () => false,
            onSecondaryRateLimit: (retryAfter: number) => {
              secondaryLimits.push(retryAfter);
              // The fake's clock decides when the limit lifts: move it instead of sleeping.
              limited.advanceClock(retryAfter * 1000);
              return true;
            },
            retryAfterBaseValue: 1,
          },
        },
        retry,
        throttling,
      );
      await gh.rest.issues.create({ ...repo, title: 'first' });
      limited.faults.add({
        name: 'bad-gateway',
        service: 'github',
        method: 'POST',
        path: '/issues$',
        first: 1,
        fault: { kind: 'status', status: 502 },
      });
      const second = await gh.rest.issues.create({ ...repo, title: 'second' });
      expect(second.status).toBe(201);
      expect(secondaryLimits).toEqual([1]);
      const posts = limited.requests.filter((r) => r.method === 'POST').map((r) => r.fault ?? r.status);
      // The injected 502 comes from in front of GitHub (as a proxy's would), before the rate limit counts it.
      expect(posts).toEqual([201, 'bad-gateway', 403, 201]);
      expect(limited.github.issues.filter((i) => i.title === 'second')).toHaveLength(1);
    } finally {
      await limited.close();
    }
  });
});
