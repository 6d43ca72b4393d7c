// Issues, comments, labels and search: the routes the incident issue lives on.
import type { SandboxRequest, SandboxResponse } from '../core/types.js';
import { paginate } from './paging.js';
import { GitHubHttpError, ghError, notFound, ok, validationFailed } from './responses.js';
import * as shape from './shapes.js';
import type { GitHubState, IssueRecord } from './state.js';

export interface RouteContext {
  req: SandboxRequest;
  state: GitHubState;
  /** API origin as the client addressed it. */
  api: string;
  login: string;
  params: string[];
}

type Body = Record<string, unknown>;

const fail = (response: SandboxResponse): never => {
  throw new GitHubHttpError(response);
};

function bodyObject(req: SandboxRequest): Body {
  if (req.body.trim() !== '' && req.json === undefined) fail(ghError(400, 'Problems parsing JSON'));
  const json = req.json ?? {};
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    fail(ghError(400, 'Body should be a JSON object'));
  return json as Body;
}

function labelNames(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const names: string[] = [];
  for (const item of value) {
    if (typeof item === 'string') names.push(item);
    else if (typeof item === 'object' && item !== null && typeof (item as Body).name === 'string')
      names.push((item as Body).name as string);
    else return undefined;
  }
  return names;
}

function issueFrom(c: RouteContext): IssueRecord {
  return c.state.issue(Number(c.params[0])) ?? fail(notFound());
}

const render = (c: RouteContext, i: IssueRecord) => shape.issue(c.api, c.state, i);
const renderLabels = (c: RouteContext, i: IssueRecord) =>
  i.labels.map((n) => shape.label(c.api, c.state, c.state.ensureLabel(n)));

export function listIssues(c: RouteContext): SandboxResponse {
  const q = c.req.url.searchParams;
  const state = q.get('state') ?? 'open';
  if (!['open', 'closed', 'all'].includes(state)) return validationFailed('Issue', 'state', 'invalid');
  const wanted = (q.get('labels') ?? '')
    .split(',')
    .map((l) => l.trim().toLowerCase())
    .filter(Boolean);
  const since = q.get('since') ? Date.parse(q.get('since') as string) : undefined;
  if (since !== undefined && Number.isNaN(since)) return validationFailed('Issue', 'since', 'invalid');
  const creator = q.get('creator')?.toLowerCase();
  const sort = q.get('sort') ?? 'created';
  const direction = q.get('direction') ?? 'desc';
  const key = (i: IssueRecord) => (sort === 'updated' ? i.updatedAt : sort === 'comments' ? i.comments : i.createdAt);
  const matching = c.state.issues
    .filter((i) => state === 'all' || i.state === state)
    .filter((i) => wanted.every((w) => i.labels.some((l) => l.toLowerCase() === w)))
    .filter((i) => since === undefined || i.updatedAt >= since)
    .filter((i) => creator === undefined || i.author.toLowerCase() === creator)
    .sort((a, b) =>
      direction === 'asc' ? key(a) - key(b) || a.number - b.number : key(b) - key(a) || b.number - a.number,
    );
  const page = paginate(matching, c.req.url);
  return ok(
    page.items.map((i) => render(c, i)),
    200,
    page.headers,
  );
}

export function getIssue(c: RouteContext): SandboxResponse {
  return ok(render(c, issueFrom(c)));
}

export function createIssue(c: RouteContext): SandboxResponse {
  const body = bodyObject(c.req);
  if (typeof body.title !== 'string' || body.title.trim() === '')
    return validationFailed('Issue', 'title', 'missing_field');
  if (body.body !== undefined && body.body !== null && typeof body.body !== 'string')
    return validationFailed('Issue', 'body', 'invalid');
  if (typeof body.body === 'string' && body.body.length > 65_536) return validationFailed('Issue', 'body', 'custom');
  const labels = body.labels === undefined ? [] : labelNames(body.labels);
  if (!labels) return validationFailed('Issue', 'labels', 'invalid');
  const assignees = Array.isArray(body.assignees)
    ? body.assignees.filter((a): a is string => typeof a === 'string')
    : [];
  const issue = c.state.createIssue({
    title: body.title,
    body: (body.body as string | null | undefined) ?? null,
    labels,
    author: c.login,
    assignees,
  });
  return ok(render(c, issue), 201, { location: `${shape.repoUrl(c.api, c.state)}/issues/${issue.number}` });
}

export function updateIssue(c: RouteContext): SandboxResponse {
  const issue = issueFrom(c);
  const body = bodyObject(c.req);
  if (body.title !== undefined && (typeof body.title !== 'string' || body.title.trim() === '')) {
    return validationFailed('Issue', 'title', 'invalid');
  }
  if (body.state !== undefined && body.state !== 'open' && body.state !== 'closed')
    return validationFailed('Issue', 'state', 'invalid');
  if (typeof body.body === 'string' && body.body.length > 65_536) return validationFailed('Issue', 'body', 'custom');
  const labels = body.labels === undefined ? undefined : labelNames(body.labels);
  if (body.labels !== undefined && !labels) return validationFailed('Issue', 'labels', 'invalid');
  if (typeof body.title === 'string') issue.title = body.title;
  if (body.body !== undefined) issue.body = typeof body.body === 'string' ? body.body : null;
  if (labels) c.state.setLabels(issue, labels);
  if (Array.isArray(body.assignees)) issue.assignees = body.assignees.filter((a): a is string => typeof a === 'string');
  if (body.state === 'open' || body.state === 'closed') {
    const reason = typeof body.state_reason === 'string' ? (body.state_reason as IssueRecord['stateReason']) : null;
    c.state.setState(issue, body.state, reason, c.login);
  }
  issue.updatedAt = c.state.now();
  return ok(render(c, issue));
}

export function listComments(c: RouteContext): SandboxResponse {
  const issue = issueFrom(c);
  const since = c.req.url.searchParams.get('since');
  const sinceMs = since ? Date.parse(since) : undefined;
  const comments = c.state.comments
    .filter((x) => x.issueNumber === issue.number)
    .filter((x) => sinceMs === undefined || x.updatedAt >= sinceMs);
  const page = paginate(comments, c.req.url);
  return ok(
    page.items.map((x) => shape.comment(c.api, c.state, x)),
    200,
    page.headers,
  );
}

export function createComment(c: RouteContext): SandboxResponse {
  const issue = issueFrom(c);
  const body = bodyObject(c.req);
  if (typeof body.body !== 'string' || body.body === '')
    return validationFailed('IssueComment', 'body', 'missing_field');
  if (body.body.length > 65_536) return validationFailed('IssueComment', 'body', 'custom');
  const comment = c.state.addComment(issue, body.body, c.login);
  return ok(shape.comment(c.api, c.state, comment), 201, {
    location: `${shape.repoUrl(c.api, c.state)}/issues/comments/${comment.id}`,
  });
}

export function updateComment(c: RouteContext): SandboxResponse {
  const comment = c.state.comments.find((x) => x.id === Number(c.params[0]));
  if (!comment) return notFound();
  const body = bodyObject(c.req);
  if (typeof body.body !== 'string' || body.body === '')
    return validationFailed('IssueComment', 'body', 'missing_field');
  if (body.body.length > 65_536) return validationFailed('IssueComment', 'body', 'custom');
  comment.body = body.body;
  comment.updatedAt = c.state.now();
  return ok(shape.comment(c.api, c.state, comment));
}

export function listLabels(c: RouteContext): SandboxResponse {
  const page = paginate(c.state.labels, c.req.url);
  return ok(
    page.items.map((l) => shape.label(c.api, c.state, l)),
    200,
    page.headers,
  );
}

export function getLabel(c: RouteContext): SandboxResponse {
  const label = c.state.label(decodeURIComponent(c.params[0] ?? ''));
  return label ? ok(shape.label(c.api, c.state, label)) : notFound();
}

export function createLabel(c: RouteContext): SandboxResponse {
  const body = bodyObject(c.req);
  if (typeof body.name !== 'string' || body.name.trim() === '')
    return validationFailed('Label', 'name', 'missing_field');
  if (c.state.label(body.name)) return validationFailed('Label', 'name', 'already_exists');
  const color = typeof body.color === 'string' ? body.color.replace(/^#/, '') : undefined;
  if (color !== undefined && !/^[0-9a-fA-F]{6}$/.test(color)) return validationFailed('Label', 'color', 'invalid');
  const description = typeof body.description === 'string' ? body.description : null;
  const label = c.state.createLabel(body.name, color, description);
  return ok(shape.label(c.api, c.state, label), 201, {
    location: `${shape.repoUrl(c.api, c.state)}/labels/${encodeURIComponent(label.name)}`,
  });
}

function labelsFromBody(req: SandboxRequest): string[] {
  if (req.body.trim() !== '' && req.json === undefined) fail(ghError(400, 'Problems parsing JSON'));
  const json = req.json;
  const names = Array.isArray(json) ? labelNames(json) : labelNames((json as Body | undefined)?.labels);
  return names ?? fail(validationFailed('Label', 'labels', 'invalid'));
}

export function addLabels(c: RouteContext, replace: boolean): SandboxResponse {
  const issue = issueFrom(c);
  const names = labelsFromBody(c.req);
  if (replace) c.state.setLabels(issue, names);
  else c.state.addLabels(issue, names);
  issue.updatedAt = c.state.now();
  return ok(renderLabels(c, issue));
}

export function removeLabel(c: RouteContext): SandboxResponse {
  const issue = issueFrom(c);
  const name = decodeURIComponent(c.params[1] ?? '').toLowerCase();
  if (!issue.labels.some((l) => l.toLowerCase() === name)) return ghError(404, 'Label does not exist');
  issue.labels = issue.labels.filter((l) => l.toLowerCase() !== name);
  issue.updatedAt = c.state.now();
  return ok(renderLabels(c, issue));
}

/** Splits a search query into terms, keeping "quoted phrases" and qualifier:"quoted values" whole. */
function searchTerms(q: string): string[] {
  return (q.match(/(?:[^\s"]+:)?"[^"]*"|\S+/g) ?? []).map((t) => t.replace(/"/g, ''));
}

export function searchIssues(c: RouteContext): SandboxResponse {
  const q = c.req.url.searchParams.get('q');
  if (!q) return validationFailed('Search', 'q', 'missing');
  const visibleBefore = c.state.now() - c.state.searchIndexLagSeconds * 1000;
  let results = c.state.issues.filter((i) => i.updatedAt <= visibleBefore);
  let fields: ('title' | 'body')[] = ['title', 'body'];
  const text: string[] = [];
  for (const term of searchTerms(q)) {
    const [qualifier, ...rest] = term.split(':');
    const value = rest.join(':').toLowerCase();
    switch (rest.length > 0 ? qualifier?.toLowerCase() : undefined) {
      case 'repo':
        if (value !== `${c.state.owner}/${c.state.repo}`.toLowerCase()) results = [];
        break;
      case 'is':
      case 'type':
      case 'state':
        if (value === 'issue') results = results.filter((i) => !i.pullRequest);
        else if (value === 'pr' || value === 'pull-request') results = results.filter((i) => i.pullRequest);
        else if (value === 'open' || value === 'closed') results = results.filter((i) => i.state === value);
        break;
      case 'label':
        results = results.filter((i) => i.labels.some((l) => l.toLowerCase() === value));
        break;
      case 'author':
        results = results.filter((i) => i.author.toLowerCase() === value);
        break;
      case 'in':
        fields = value.split(',').filter((f): f is 'title' | 'body' => f === 'title' || f === 'body');
        break;
      default:
        text.push(term.toLowerCase());
    }
  }
  results = results.filter((i) => text.every((t) => fields.some((f) => (i[f] ?? '').toLowerCase().includes(t))));
  const sort = c.req.url.searchParams.get('sort');
  const asc = c.req.url.searchParams.get('order') === 'asc';
  const key = (i: IssueRecord) => (sort === 'updated' ? i.updatedAt : sort === 'comments' ? i.comments : i.createdAt);
  results.sort((a, b) => (asc ? key(a) - key(b) : key(b) - key(a)));
  const page = paginate(results, c.req.url);
  return ok(
    {
      total_count: results.length,
      incomplete_results: false,
      search_type: 'lexical',
      // The search item schema types `body` as a string only: an issue without a body has none here.
      items: page.items.map((i) => {
        const { body, ...item } = render(c, i);
        return { ...item, ...(body === null ? {} : { body }), score: 1 };
      }),
    },
    200,
    page.headers,
  );
}
