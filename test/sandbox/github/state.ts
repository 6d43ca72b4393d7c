// The fake GitHub's data: issues, comments, labels, environments, runs and OIDC jobs, seeded from a scenario.
// Tests read it after a run and may change it (approve a run, add a job) while the sandbox is up.
import {
  ACTION_LOGIN,
  DEFAULT_ACTION_TOKEN,
  type GitHubScenario,
  type SeedApproval,
  type SeedEnvironment,
  type SeedJob,
  type SeedPendingDeployment,
  type SeedRun,
} from './scenario.js';

export interface IssueRecord {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  stateReason: 'completed' | 'reopened' | 'not_planned' | 'duplicate' | null;
  labels: string[];
  assignees: string[];
  author: string;
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
  closedBy: string | null;
  pullRequest: boolean;
  comments: number;
}

export interface CommentRecord {
  id: number;
  issueNumber: number;
  body: string;
  author: string;
  createdAt: number;
  updatedAt: number;
}

export interface LabelRecord {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

export interface EnvironmentRecord extends SeedEnvironment {
  id: number;
  createdAt: number;
}

export interface DispatchRecord {
  eventType: string;
  clientPayload: unknown;
  by: string;
  at: number;
}

const DEFAULT_LABEL_COLOR = 'ededed';

function parseTime(value: string | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new Error(`sandbox scenario: ${what}: '${value}' is not an ISO time`);
  return ms;
}

export class GitHubState {
  readonly owner: string;
  readonly repo: string;
  readonly tokens: Map<string, string>;
  readonly issues: IssueRecord[] = [];
  readonly comments: CommentRecord[] = [];
  readonly labels: LabelRecord[] = [];
  readonly environments: EnvironmentRecord[] = [];
  readonly runs = new Map<number, SeedRun>();
  readonly jobs = new Map<string, SeedJob>();
  readonly dispatches: DispatchRecord[] = [];
  secondaryRateLimit: GitHubScenario['secondaryRateLimit'];
  searchIndexLagSeconds: number;
  searchPerMinute: number | undefined;
  private nextId = 1_000_001;

  constructor(
    scenario: GitHubScenario,
    readonly now: () => number,
  ) {
    this.owner = scenario.owner;
    this.repo = scenario.repo;
    this.tokens = new Map(Object.entries(scenario.tokens ?? { [DEFAULT_ACTION_TOKEN]: ACTION_LOGIN }));
    this.secondaryRateLimit = scenario.secondaryRateLimit;
    this.searchIndexLagSeconds = scenario.searchIndexLagSeconds ?? 0;
    this.searchPerMinute = scenario.searchPerMinute;
    const start = now();
    for (const label of scenario.labels ?? []) this.createLabel(label.name, label.color, label.description);
    for (const [i, seed] of (scenario.issues ?? []).entries()) {
      const createdAt = parseTime(seed.createdAt, start, `issues[${i}].createdAt`);
      const issue = this.createIssue({
        title: seed.title,
        body: seed.body ?? null,
        labels: seed.labels ?? [],
        author: seed.author ?? ACTION_LOGIN,
        at: createdAt,
        pullRequest: seed.pullRequest ?? false,
      });
      for (const c of seed.comments ?? []) {
        this.addComment(
          issue,
          c.body,
          c.author ?? this.owner,
          parseTime(c.createdAt, createdAt, `issues[${i}].comments`),
        );
      }
      if (seed.state === 'closed') this.setState(issue, 'closed', 'completed', issue.author, createdAt);
      issue.updatedAt = parseTime(seed.updatedAt, issue.updatedAt, `issues[${i}].updatedAt`);
    }
    for (const env of scenario.environments ?? []) this.environments.push({ ...env, id: this.id(), createdAt: start });
    for (const run of scenario.runs ?? []) this.runs.set(run.id, structuredClone(run));
    for (const [name, job] of Object.entries(scenario.jobs ?? { triage: {} })) this.jobs.set(name, { ...job });
  }

  id(): number {
    return this.nextId++;
  }

  loginForToken(token: string): string | undefined {
    return this.tokens.get(token);
  }

  issue(number: number): IssueRecord | undefined {
    return this.issues.find((i) => i.number === number);
  }

  label(name: string): LabelRecord | undefined {
    return this.labels.find((l) => l.name.toLowerCase() === name.toLowerCase());
  }

  createLabel(name: string, color = DEFAULT_LABEL_COLOR, description?: string | null): LabelRecord {
    const label = { id: this.id(), name, color: color.replace(/^#/, ''), description: description ?? null };
    this.labels.push(label);
    return label;
  }

  /** The label's canonical record, created with the default colour when missing (as GitHub does on issues). */
  ensureLabel(name: string): LabelRecord {
    return this.label(name) ?? this.createLabel(name);
  }

  createIssue(input: {
    title: string;
    body: string | null;
    labels: string[];
    author: string;
    at?: number;
    pullRequest?: boolean;
    assignees?: string[];
  }): IssueRecord {
    const at = input.at ?? this.now();
    const issue: IssueRecord = {
      id: this.id(),
      number: this.issues.reduce((max, i) => Math.max(max, i.number), 0) + 1,
      title: input.title,
      body: input.body,
      state: 'open',
      stateReason: null,
      labels: [],
      assignees: input.assignees ?? [],
      author: input.author,
      createdAt: at,
      updatedAt: at,
      closedAt: null,
      closedBy: null,
      pullRequest: input.pullRequest ?? false,
      comments: 0,
    };
    this.setLabels(issue, input.labels);
    this.issues.push(issue);
    return issue;
  }

  setLabels(issue: IssueRecord, names: string[]): void {
    issue.labels = [];
    this.addLabels(issue, names);
  }

  addLabels(issue: IssueRecord, names: string[]): void {
    for (const name of names) {
      const label = this.ensureLabel(name);
      if (!issue.labels.some((l) => l.toLowerCase() === label.name.toLowerCase())) issue.labels.push(label.name);
    }
  }

  setState(
    issue: IssueRecord,
    state: 'open' | 'closed',
    reason: IssueRecord['stateReason'],
    by: string,
    at = this.now(),
  ): void {
    if (issue.state === state) return;
    issue.state = state;
    issue.closedAt = state === 'closed' ? at : null;
    issue.closedBy = state === 'closed' ? by : null;
    issue.stateReason = state === 'closed' ? (reason ?? 'completed') : 'reopened';
    issue.updatedAt = at;
  }

  addComment(issue: IssueRecord, body: string, author: string, at = this.now()): CommentRecord {
    const comment = { id: this.id(), issueNumber: issue.number, body, author, createdAt: at, updatedAt: at };
    this.comments.push(comment);
    issue.comments += 1;
    issue.updatedAt = Math.max(issue.updatedAt, at);
    return comment;
  }

  environment(name: string): EnvironmentRecord | undefined {
    return this.environments.find((e) => e.name.toLowerCase() === name.toLowerCase());
  }

  /** Records a review on a run (what a reviewer clicking "Approve and deploy" leaves behind). */
  addApproval(runId: number, approval: SeedApproval): void {
    this.run(runId).approvals = [...(this.run(runId).approvals ?? []), approval];
  }

  setPendingDeployments(runId: number, pending: SeedPendingDeployment[]): void {
    this.run(runId).pendingDeployments = pending;
  }

  run(runId: number): SeedRun {
    const run = this.runs.get(runId);
    if (!run) throw new Error(`sandbox: no workflow run ${runId} in the scenario`);
    return run;
  }

  /** The ACTIONS_ID_TOKEN_REQUEST_TOKEN a job's runner would get; the OIDC endpoint maps it back to the job. */
  oidcRequestToken(job: string): string {
    if (!this.jobs.has(job))
      throw new Error(`sandbox: no job '${job}' in the scenario (jobs: ${[...this.jobs.keys()].join(', ')})`);
    return `sandbox-oidc-request-${job}`;
  }

  jobForRequestToken(token: string): [string, SeedJob] | undefined {
    const name = token.startsWith('sandbox-oidc-request-') ? token.slice('sandbox-oidc-request-'.length) : undefined;
    const job = name === undefined ? undefined : this.jobs.get(name);
    return name !== undefined && job ? [name, job] : undefined;
  }

  defaultRunId(): number {
    return this.runs.keys().next().value ?? 1;
  }
}
