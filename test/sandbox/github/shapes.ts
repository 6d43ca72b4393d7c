// Renders the fake's records as GitHub REST bodies (the shapes in the OpenAPI description, api version 2022-11-28).
// `api` is the API origin as the client addressed it; html links use the same origin (GITHUB_SERVER_URL).
import type { CommentRecord, EnvironmentRecord, GitHubState, IssueRecord, LabelRecord } from './state.js';
import type { SeedApproval, SeedPendingDeployment, SeedRun } from './scenario.js';

type Json = Record<string, unknown>;

/** GitHub's timestamp format: ISO 8601 UTC without milliseconds. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function stableId(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return (h % 90_000_000) + 10_000_000;
}

const nodeId = (kind: string, id: number) => Buffer.from(`${kind}${id}`).toString('base64');

export function userId(login: string): number {
  return login === 'github-actions[bot]' ? 41898282 : stableId(login);
}

export function user(api: string, login: string): Json {
  const id = userId(login);
  const u = `${api}/users/${encodeURIComponent(login)}`;
  return {
    login,
    id,
    node_id: nodeId('U_', id),
    avatar_url: `${api}/avatars/u/${id}`,
    gravatar_id: '',
    url: u,
    html_url: `${api}/${encodeURIComponent(login)}`,
    followers_url: `${u}/followers`,
    following_url: `${u}/following{/other_user}`,
    gists_url: `${u}/gists{/gist_id}`,
    starred_url: `${u}/starred{/owner}{/repo}`,
    subscriptions_url: `${u}/subscriptions`,
    organizations_url: `${u}/orgs`,
    repos_url: `${u}/repos`,
    events_url: `${u}/events{/privacy}`,
    received_events_url: `${u}/received_events`,
    type: login.endsWith('[bot]') ? 'Bot' : 'User',
    site_admin: false,
  };
}

export function team(api: string, owner: string, slug: string): Json {
  const id = stableId(`team:${owner}/${slug}`);
  return {
    id,
    node_id: nodeId('T_', id),
    url: `${api}/orgs/${owner}/teams/${slug}`,
    html_url: `${api}/orgs/${owner}/teams/${slug}`,
    name: slug,
    slug,
    description: null,
    privacy: 'closed',
    notification_setting: 'notifications_enabled',
    permission: 'pull',
    members_url: `${api}/orgs/${owner}/teams/${slug}/members{/member}`,
    repositories_url: `${api}/orgs/${owner}/teams/${slug}/repos`,
    type: 'organization',
    parent: null,
  };
}

export const repoUrl = (api: string, s: GitHubState) => `${api}/repos/${s.owner}/${s.repo}`;

function authorAssociation(s: GitHubState, login: string): string {
  return login === s.owner ? 'OWNER' : login.endsWith('[bot]') ? 'NONE' : 'CONTRIBUTOR';
}

export function label(api: string, s: GitHubState, l: LabelRecord): Json {
  return {
    id: l.id,
    node_id: nodeId('LA_', l.id),
    url: `${repoUrl(api, s)}/labels/${encodeURIComponent(l.name)}`,
    name: l.name,
    color: l.color,
    description: l.description,
    default: false,
  };
}

function reactions(url: string): Json {
  return { url, total_count: 0, '+1': 0, '-1': 0, laugh: 0, confused: 0, heart: 0, hooray: 0, eyes: 0, rocket: 0 };
}

export function issue(api: string, s: GitHubState, i: IssueRecord): Json {
  const url = `${repoUrl(api, s)}/issues/${i.number}`;
  const html = `${api}/${s.owner}/${s.repo}/${i.pullRequest ? 'pull' : 'issues'}/${i.number}`;
  const assignees = i.assignees.map((a) => user(api, a));
  return {
    id: i.id,
    node_id: nodeId(i.pullRequest ? 'PR_' : 'I_', i.id),
    url,
    repository_url: repoUrl(api, s),
    labels_url: `${url}/labels{/name}`,
    comments_url: `${url}/comments`,
    events_url: `${url}/events`,
    html_url: html,
    number: i.number,
    state: i.state,
    state_reason: i.stateReason,
    title: i.title,
    body: i.body,
    user: user(api, i.author),
    labels: i.labels.map((name) => label(api, s, s.ensureLabel(name))),
    assignee: assignees[0] ?? null,
    assignees,
    milestone: null,
    locked: false,
    active_lock_reason: null,
    comments: i.comments,
    created_at: isoTime(i.createdAt),
    updated_at: isoTime(i.updatedAt),
    closed_at: i.closedAt === null ? null : isoTime(i.closedAt),
    author_association: authorAssociation(s, i.author),
    reactions: reactions(`${url}/reactions`),
    timeline_url: `${url}/timeline`,
    performed_via_github_app: null,
    ...(i.closedBy ? { closed_by: user(api, i.closedBy) } : {}),
    ...(i.pullRequest
      ? {
          draft: false,
          pull_request: {
            url: `${repoUrl(api, s)}/pulls/${i.number}`,
            html_url: html,
            diff_url: `${html}.diff`,
            patch_url: `${html}.patch`,
            merged_at: null,
          },
        }
      : {}),
  };
}

export function comment(api: string, s: GitHubState, c: CommentRecord): Json {
  const url = `${repoUrl(api, s)}/issues/comments/${c.id}`;
  return {
    id: c.id,
    node_id: nodeId('IC_', c.id),
    url,
    html_url: `${api}/${s.owner}/${s.repo}/issues/${c.issueNumber}#issuecomment-${c.id}`,
    issue_url: `${repoUrl(api, s)}/issues/${c.issueNumber}`,
    body: c.body,
    user: user(api, c.author),
    created_at: isoTime(c.createdAt),
    updated_at: isoTime(c.updatedAt),
    author_association: authorAssociation(s, c.author),
    performed_via_github_app: null,
    reactions: reactions(`${url}/reactions`),
  };
}

export function minimalRepository(api: string, s: GitHubState): Json {
  const url = repoUrl(api, s);
  const id = stableId(`repo:${s.owner}/${s.repo}`);
  const templates: Record<string, string> = {
    archive_url: '/{archive_format}{/ref}',
    assignees_url: '/assignees{/user}',
    blobs_url: '/git/blobs{/sha}',
    branches_url: '/branches{/branch}',
    collaborators_url: '/collaborators{/collaborator}',
    comments_url: '/comments{/number}',
    commits_url: '/commits{/sha}',
    compare_url: '/compare/{base}...{head}',
    contents_url: '/contents/{+path}',
    contributors_url: '/contributors',
    deployments_url: '/deployments',
    downloads_url: '/downloads',
    events_url: '/events',
    forks_url: '/forks',
    git_commits_url: '/git/commits{/sha}',
    git_refs_url: '/git/refs{/sha}',
    git_tags_url: '/git/tags{/sha}',
    hooks_url: '/hooks',
    issue_comment_url: '/issues/comments{/number}',
    issue_events_url: '/issues/events{/number}',
    issues_url: '/issues{/number}',
    keys_url: '/keys{/key_id}',
    labels_url: '/labels{/name}',
    languages_url: '/languages',
    merges_url: '/merges',
    milestones_url: '/milestones{/number}',
    notifications_url: '/notifications{?since,all,participating}',
    pulls_url: '/pulls{/number}',
    releases_url: '/releases{/id}',
    stargazers_url: '/stargazers',
    statuses_url: '/statuses/{sha}',
    subscribers_url: '/subscribers',
    subscription_url: '/subscription',
    tags_url: '/tags',
    teams_url: '/teams',
    trees_url: '/git/trees{/sha}',
  };
  return {
    id,
    node_id: nodeId('R_', id),
    name: s.repo,
    full_name: `${s.owner}/${s.repo}`,
    owner: user(api, s.owner),
    private: false,
    html_url: `${api}/${s.owner}/${s.repo}`,
    description: null,
    fork: false,
    url,
    ...Object.fromEntries(Object.entries(templates).map(([key, suffix]) => [key, `${url}${suffix}`])),
  };
}

export function environment(api: string, s: GitHubState, e: EnvironmentRecord): Json {
  const rules: Json[] = [];
  const reviewers = [
    ...(e.reviewers ?? []).map((login) => ({ type: 'User', reviewer: user(api, login) })),
    ...(e.teamReviewers ?? []).map((slug) => ({ type: 'Team', reviewer: team(api, s.owner, slug) })),
  ];
  if (e.waitTimer !== undefined) {
    const id = stableId(`wait:${e.name}`);
    rules.push({ id, node_id: nodeId('GA_', id), type: 'wait_timer', wait_timer: e.waitTimer });
  }
  if (reviewers.length > 0) {
    const id = stableId(`reviewers:${e.name}`);
    rules.push({
      id,
      node_id: nodeId('GA_', id),
      type: 'required_reviewers',
      prevent_self_review: e.preventSelfReview ?? false,
      reviewers,
    });
  }
  return {
    ...environmentRef(api, s, e),
    created_at: isoTime(e.createdAt),
    updated_at: isoTime(e.createdAt),
    protection_rules: rules,
    deployment_branch_policy: null,
  };
}

function environmentRef(api: string, s: GitHubState, e: EnvironmentRecord): Json {
  return {
    id: e.id,
    node_id: nodeId('EN_', e.id),
    name: e.name,
    url: `${repoUrl(api, s)}/environments/${encodeURIComponent(e.name)}`,
    html_url: `${api}/${s.owner}/${s.repo}/deployments/activity_log?environments_filter=${encodeURIComponent(e.name)}`,
  };
}

function environmentOrNamed(s: GitHubState, name: string): EnvironmentRecord {
  // A run can name an environment the repository never configured: GitHub creates it unprotected.
  return s.environment(name) ?? { name, id: stableId(`env:${name}`), createdAt: 0 };
}

export function approval(api: string, s: GitHubState, a: SeedApproval): Json {
  return {
    environments: a.environments.map((name) => {
      const e = environmentOrNamed(s, name);
      return { ...environmentRef(api, s, e), created_at: isoTime(e.createdAt), updated_at: isoTime(e.createdAt) };
    }),
    state: a.state,
    user: user(api, a.user),
    comment: a.comment ?? '',
  };
}

export function pendingDeployment(api: string, s: GitHubState, p: SeedPendingDeployment, startedAt: number): Json {
  const e = environmentOrNamed(s, p.environment);
  const reviewers = p.reviewers ?? e.reviewers ?? [];
  return {
    environment: environmentRef(api, s, e),
    wait_timer: e.waitTimer ?? 0,
    wait_timer_started_at: isoTime(startedAt),
    current_user_can_approve: p.currentUserCanApprove ?? false,
    reviewers: [
      ...reviewers.map((login) => ({ type: 'User', reviewer: user(api, login) })),
      ...(p.reviewers
        ? []
        : (e.teamReviewers ?? []).map((slug) => ({ type: 'Team', reviewer: team(api, s.owner, slug) }))),
    ],
  };
}

export function workflowRun(api: string, s: GitHubState, r: SeedRun, createdAt: number): Json {
  const url = `${repoUrl(api, s)}/actions/runs/${r.id}`;
  const workflow = r.workflow ?? '.github/workflows/keyvault-alert.yml';
  const sha = '0'.repeat(40);
  const repository = minimalRepository(api, s);
  return {
    id: r.id,
    name: 'Key Vault alert',
    node_id: nodeId('WFR_', r.id),
    head_branch: r.branch ?? 'main',
    head_sha: sha,
    path: workflow,
    display_title: 'Key Vault alert',
    run_number: r.id % 10_000,
    run_attempt: r.attempt ?? 1,
    event: r.event ?? 'repository_dispatch',
    status: r.status ?? 'in_progress',
    conclusion: null,
    workflow_id: stableId(`workflow:${workflow}`),
    url,
    html_url: `${api}/${s.owner}/${s.repo}/actions/runs/${r.id}`,
    pull_requests: [],
    created_at: isoTime(createdAt),
    updated_at: isoTime(createdAt),
    run_started_at: isoTime(createdAt),
    actor: user(api, r.actor ?? s.owner),
    triggering_actor: user(api, r.actor ?? s.owner),
    jobs_url: `${url}/jobs`,
    logs_url: `${url}/logs`,
    check_suite_url: `${repoUrl(api, s)}/check-suites/${r.id}`,
    artifacts_url: `${url}/artifacts`,
    cancel_url: `${url}/cancel`,
    rerun_url: `${url}/rerun`,
    previous_attempt_url: (r.attempt ?? 1) > 1 ? `${url}/attempts/${(r.attempt ?? 1) - 1}` : null,
    workflow_url: `${repoUrl(api, s)}/actions/workflows/${stableId(`workflow:${workflow}`)}`,
    head_commit: null,
    repository,
    head_repository: repository,
  };
}
