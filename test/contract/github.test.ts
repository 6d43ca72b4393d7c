// Contract: every response body the fake GitHub serves (success and error) matches GitHub's own OpenAPI
// description (reference/openapi/github-issues-subset.json), so the fake cannot drift into a toy.
import { getOctokit } from '@actions/github';
import { Ajv, type ValidateFunction } from 'ajv';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { githubTestScenario } from '../sandbox/fixtures.js';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { describeWithReference, readReferenceJson } from '../support/reference.js';

interface Captured {
  method: string;
  /** The operation's path template as Octokit names it, e.g. /repos/{owner}/{repo}/issues. */
  template: string;
  status: number;
  body: unknown;
}

type OpenApi = {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { $ref?: string; content?: Record<string, { schema: unknown }> }> }>
  >;
  components: { responses: Record<string, { content?: Record<string, { schema: unknown }> }> };
};

/**
 * OpenAPI 3.0 `nullable` is only meaningful next to `type` for ajv; GitHub's description also puts it beside
 * `anyOf`/`allOf`/`$ref`, and ajv wants null listed in a nullable `enum`. Rewrite both to what OpenAPI means.
 */
function nullableToJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullableToJsonSchema);
  if (typeof node !== 'object' || node === null) return node;
  const out = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, nullableToJsonSchema(v)]));
  if (out.nullable === true && Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  if (out.nullable === true && out.type === undefined) {
    const { nullable: _nullable, description, ...rest } = out;
    return { description, anyOf: [rest, { type: 'null' }] };
  }
  return out;
}

const escape = (segment: string) => encodeURIComponent(segment.replace(/~/g, '~0').replace(/\//g, '~1'));

describeWithReference('fake GitHub responses match the GitHub OpenAPI description', () => {
  let sandbox: Sandbox;
  const captured: Captured[] = [];
  const spec = readReferenceJson<OpenApi>('openapi', 'github-issues-subset.json');
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema(nullableToJsonSchema(spec) as object, 'github');
  const validators = new Map<string, ValidateFunction>();

  function validator(c: Captured): ValidateFunction | undefined {
    const key = `${c.method} ${c.template} ${c.status}`;
    const operation = spec.paths[c.template]?.[c.method.toLowerCase()];
    let response = operation?.responses[String(c.status)];
    let pointer = ['paths', c.template, c.method.toLowerCase(), 'responses', String(c.status)];
    if (response?.$ref) {
      const name = response.$ref.split('/').pop() ?? '';
      response = spec.components.responses[name];
      pointer = ['components', 'responses', name];
    }
    if (!response?.content?.['application/json']) return undefined;
    if (!validators.has(key)) {
      const ref = `github#/${[...pointer, 'content', 'application/json', 'schema'].map(escape).join('/')}`;
      validators.set(key, ajv.compile({ $ref: ref }));
    }
    return validators.get(key);
  }

  beforeAll(async () => {
    sandbox = await startSandbox(githubTestScenario({ secondaryRateLimit: { perMinute: 40, retryAfterSeconds: 1 } }));
    const gh = getOctokit('ghs_action', { baseUrl: sandbox.githubUrl });
    gh.hook.after('request', (response, options) => {
      captured.push({ method: options.method, template: options.url, status: response.status, body: response.data });
    });
    gh.hook.error('request', (error, options) => {
      const e = error as { status?: number; response?: { data: unknown } };
      captured.push({ method: options.method, template: options.url, status: e.status ?? 0, body: e.response?.data });
    });
    const repo = { owner: 'contoso', repo: 'secops' };
    const attempt = async (call: Promise<unknown>) => call.catch(() => undefined);

    const { data: issue } = await gh.rest.issues.create({
      ...repo,
      title: 'contract',
      body: 'x',
      labels: ['kv-alert'],
      assignees: ['alice'],
    });
    await gh.rest.issues.get({ ...repo, issue_number: issue.number });
    await gh.rest.issues.update({ ...repo, issue_number: issue.number, state: 'closed', state_reason: 'not_planned' });
    await gh.rest.issues.listForRepo({ ...repo, state: 'all', labels: 'kv-alert', per_page: 1 });
    await gh.rest.issues.listForRepo({ ...repo, state: 'all', per_page: 100 });
    const { data: comment } = await gh.rest.issues.createComment({ ...repo, issue_number: issue.number, body: 'c' });
    await gh.rest.issues.updateComment({ ...repo, comment_id: comment.id, body: 'd' });
    await gh.rest.issues.listComments({ ...repo, issue_number: 1 });
    await gh.rest.issues.createLabel({ ...repo, name: 'severity:High', color: 'b60205', description: 'High' });
    await gh.rest.issues.getLabel({ ...repo, name: 'severity:High' });
    await gh.rest.issues.listLabelsForRepo({ ...repo });
    await gh.rest.issues.addLabels({ ...repo, issue_number: issue.number, labels: ['severity:High'] });
    await gh.rest.issues.setLabels({ ...repo, issue_number: issue.number, labels: ['kv-alert', 'triaged'] });
    await gh.rest.issues.removeLabel({ ...repo, issue_number: issue.number, name: 'triaged' });
    await gh.rest.search.issuesAndPullRequests({ q: 'repo:contoso/secops label:kv-alert' });
    await gh.rest.search.issuesAndPullRequests({ q: 'repo:contoso/secops is:pr' });
    await gh.rest.actions.getWorkflowRun({ ...repo, run_id: 4242 });
    await gh.rest.actions.getReviewsForRun({ ...repo, run_id: 4242 });
    await gh.rest.actions.getPendingDeploymentsForRun({ ...repo, run_id: 4242 });
    await gh.rest.repos.getEnvironment({ ...repo, environment_name: 'keyvault-remediation' });
    await gh.rest.repos.getEnvironment({ ...repo, environment_name: 'unprotected' });
    await gh.rest.repos.getAllEnvironments({ ...repo });
    await gh.rest.repos.createDispatchEvent({ ...repo, event_type: 'defender-alert', client_payload: {} });
    // Errors: their bodies must match the spec's error shapes too.
    await attempt(gh.rest.issues.get({ ...repo, issue_number: 999 }));
    await attempt(gh.rest.issues.create({ ...repo, title: '' }));
    await attempt(gh.rest.issues.createLabel({ ...repo, name: 'kv-alert' }));
    await attempt(gh.rest.issues.createComment({ ...repo, issue_number: 999, body: 'x' }));
    await attempt(gh.rest.issues.listForRepo({ ...repo, state: 'nope' as 'all' }));
    sandbox.github.searchPerMinute = 0;
    await attempt(gh.rest.search.issuesAndPullRequests({ q: 'repo:contoso/secops' }));
    sandbox.github.secondaryRateLimit = { perMinute: 0, retryAfterSeconds: 1 };
    await attempt(gh.rest.issues.create({ ...repo, title: 'limited' }));
  });

  afterAll(async () => {
    await sandbox.close();
  });

  it('drove every route the fake serves (and GitHub describes)', () => {
    const served = new Set(captured.map((c) => `${c.method} ${c.template}`));
    for (const [template, operations] of Object.entries(spec.paths)) {
      for (const method of Object.keys(operations)) {
        // Assignees is in the subset but not served by the fake (the action does not assign).
        if (template.endsWith('/assignees')) continue;
        expect(served, `${method.toUpperCase()} ${template}`).toContain(`${method.toUpperCase()} ${template}`);
      }
    }
    expect(captured.some((c) => c.status === 403)).toBe(true);
  });

  it('every JSON body validates against its operation and status in the description', () => {
    const problems: string[] = [];
    for (const c of captured) {
      if (c.status === 204) continue;
      const validate = validator(c);
      if (!validate) {
        problems.push(`${c.method} ${c.template} ${c.status}: no JSON response described`);
        continue;
      }
      if (!validate(c.body)) problems.push(`${c.method} ${c.template} ${c.status}: ${ajv.errorsText(validate.errors)}`);
    }
    expect(problems).toEqual([]);
  });
});
