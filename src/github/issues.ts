// One issue per alert: found again by a hidden marker (trusted only on issues the action itself wrote),
// looked up through the issues list API filtered by label (consistent, unlike search), created or updated.
import type { Octokit } from './octokit.js';

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface IncidentIssue {
  number: number;
  url: string;
  state: 'open' | 'closed';
  body: string;
  labels: string[];
}

export interface IncidentContent {
  title: string;
  /** Without the marker: upsertIncident adds it. */
  body: string;
  labels: string[];
  assignees: string[];
}

export const INCIDENT_LABEL = 'kv-alert';
export const STATE_LABELS = ['triaged', 'contained', 'rotated', 'resolved'] as const;

/** Labels the action manages; anything else on the issue (added by people) is left alone. */
function isManagedLabel(name: string): boolean {
  return (
    name === INCIDENT_LABEL ||
    name.startsWith('severity:') ||
    name.startsWith('vault:') ||
    (STATE_LABELS as readonly string[]).includes(name)
  );
}

// Alert ids are validated at intake to letters, digits, '_', '.' and '-': nothing that can close or fake the
// comment. Checked again here because the marker is what makes an issue "the" issue of an alert.
const MARKER_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,255}$/;

/** The hidden first line of an incident issue: `<!-- kv-alert-playbook alert-id="<id>" -->`. */
export function incidentMarker(alertId: string): string {
  if (!MARKER_ID.test(alertId))
    throw new Error(`alert id ${JSON.stringify(alertId.slice(0, 80))} cannot go into a marker`);
  return `<!-- kv-alert-playbook alert-id="${alertId}" -->`;
}

/** Ids compare case-insensitively (forms differ in case); the marker must be the body's first line. */
function hasMarker(body: string | null | undefined, marker: string): boolean {
  const first = (body ?? '').split('\n', 1)[0]!.trim();
  return first.toLowerCase() === marker.toLowerCase();
}

interface ListedIssue {
  number: number;
  html_url: string;
  state: string;
  body?: string | null;
  user: { login: string } | null;
  pull_request?: unknown;
  labels: (string | { name?: string })[];
}

function toIncident(issue: ListedIssue): IncidentIssue {
  return {
    number: issue.number,
    url: issue.html_url,
    state: issue.state === 'closed' ? 'closed' : 'open',
    body: issue.body ?? '',
    labels: issue.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean),
  };
}

/** Issues for this alert written by `trustedLogin`, oldest first. */
export async function findIncidentIssues(
  gh: Octokit,
  repo: RepoRef,
  alertId: string,
  trustedLogin: string,
): Promise<IncidentIssue[]> {
  const marker = incidentMarker(alertId);
  const issues = (await gh.paginate(gh.rest.issues.listForRepo, {
    ...repo,
    labels: INCIDENT_LABEL,
    state: 'all',
    per_page: 100,
  })) as ListedIssue[];
  return issues
    .filter((i) => !i.pull_request && i.user?.login === trustedLogin && hasMarker(i.body, marker))
    .sort((a, b) => a.number - b.number)
    .map(toIncident);
}

/** The login whose issues we trust: the token's user, or the Actions bot for GITHUB_TOKEN (which cannot read /user). */
export async function resolveOwnLogin(gh: Octokit): Promise<string> {
  try {
    const { data } = await gh.rest.users.getAuthenticated();
    return data.login;
  } catch {
    return 'github-actions[bot]';
  }
}

/** Creates the labels that do not exist yet (an existing label is left as its owners styled it). */
export async function ensureLabels(gh: Octokit, repo: RepoRef, labels: string[]): Promise<void> {
  const existing = (await gh.paginate(gh.rest.issues.listLabelsForRepo, { ...repo, per_page: 100 })) as {
    name: string;
  }[];
  const have = new Set(existing.map((l) => l.name.toLowerCase()));
  for (const name of new Set(labels)) {
    if (have.has(name.toLowerCase())) continue;
    try {
      await gh.rest.issues.createLabel({ ...repo, name, color: labelColor(name) });
    } catch (error) {
      // Created meanwhile by a concurrent run: fine.
      if ((error as { status?: number }).status !== 422) throw error;
    }
  }
}

function labelColor(name: string): string {
  if (name === 'severity:High') return 'b60205';
  if (name === 'severity:Medium') return 'd93f0b';
  if (name.startsWith('severity:')) return 'fbca04';
  if (name.startsWith('vault:')) return '1d76db';
  return 'ededed';
}

export interface UpsertOptions {
  trustedLogin: string;
  reopenClosed: boolean;
  /** Comment added when the issue already existed (a re-fired alert): what changed. */
  refireComment: (previous: IncidentIssue) => string;
  /** What to write when the issue already exists (default: the content given); called before refireComment. */
  revise?: (previous: IncidentIssue) => IncidentContent;
}

export interface UpsertResult {
  /** The issue as read back after all our writes: a concurrent run may have written after us (or created it first). */
  issue: IncidentIssue;
  created: boolean;
  reopened: boolean;
}

function mergeLabels(current: string[], wanted: string[]): string[] {
  return [...new Set([...current.filter((l) => !isManagedLabel(l)), ...wanted])];
}

/** One incident issue as it is now. GitHub has no conditional update: reading again is how a run learns what concurrent runs wrote. */
export async function readIncidentIssue(gh: Octokit, repo: RepoRef, number: number): Promise<IncidentIssue> {
  const { data } = await gh.rest.issues.get({ ...repo, issue_number: number });
  return toIncident(data as ListedIssue);
}

export async function upsertIncident(
  gh: Octokit,
  repo: RepoRef,
  alertId: string,
  content: IncidentContent,
  options: UpsertOptions,
): Promise<UpsertResult> {
  const marker = incidentMarker(alertId);
  const body = `${marker}\n${content.body}`;
  await ensureLabels(gh, repo, content.labels);
  const found = await findIncidentIssues(gh, repo, alertId, options.trustedLogin);
  const primary = found[0];
  if (primary) {
    const reopen = primary.state === 'closed' && options.reopenClosed;
    const revised = options.revise?.(primary) ?? content;
    await gh.rest.issues.update({
      ...repo,
      issue_number: primary.number,
      title: revised.title,
      body: `${marker}\n${revised.body}`,
      labels: mergeLabels(primary.labels, revised.labels),
      ...(reopen ? { state: 'open' as const, state_reason: 'reopened' as const } : {}),
    });
    await gh.rest.issues.createComment({ ...repo, issue_number: primary.number, body: options.refireComment(primary) });
    return { issue: await readIncidentIssue(gh, repo, primary.number), created: false, reopened: reopen };
  }

  const { data } = await gh.rest.issues.create({
    ...repo,
    title: content.title,
    body,
    labels: content.labels,
    ...(content.assignees.length ? { assignees: content.assignees } : {}),
  });
  const ours = toIncident(data as ListedIssue);
  // Two runs may have created an issue each: the oldest wins, the newer closes itself pointing to it.
  const after = await findIncidentIssues(gh, repo, alertId, options.trustedLogin);
  const oldest = after[0];
  if (oldest && oldest.number < ours.number) {
    await gh.rest.issues.createComment({
      ...repo,
      issue_number: ours.number,
      body: `Duplicate of #${oldest.number}: another run opened the incident issue for this alert first.`,
    });
    await gh.rest.issues.update({ ...repo, issue_number: ours.number, state: 'closed', state_reason: 'duplicate' });
    return { issue: await readIncidentIssue(gh, repo, oldest.number), created: false, reopened: false };
  }
  return { issue: await readIncidentIssue(gh, repo, ours.number), created: true, reopened: false };
}

/** Other open incidents of ours on the same vault (by its label), for the issue's "related" section. */
export async function findRelatedIncidents(
  gh: Octokit,
  repo: RepoRef,
  vaultLabel: string,
  alertId: string,
  trustedLogin: string,
): Promise<{ number: number; title: string }[]> {
  const marker = incidentMarker(alertId);
  const issues = (await gh.paginate(gh.rest.issues.listForRepo, {
    ...repo,
    labels: `${INCIDENT_LABEL},${vaultLabel}`,
    state: 'open',
    per_page: 100,
  })) as (ListedIssue & { title: string })[];
  return issues
    .filter(
      (i) =>
        !i.pull_request &&
        i.user?.login === trustedLogin &&
        (i.body ?? '').startsWith('<!-- kv-alert-playbook ') &&
        !hasMarker(i.body, marker),
    )
    .map((i) => ({ number: i.number, title: i.title }));
}
