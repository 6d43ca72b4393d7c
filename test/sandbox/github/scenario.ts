// The GitHub half of a sandbox scenario: repository state, identities, environments, runs and OIDC jobs.

export interface SeedLabel {
  name: string;
  color?: string;
  description?: string;
}

export interface SeedComment {
  body: string;
  /** Login of the author (default: the repository owner). */
  author?: string;
  /** ISO time (default: the issue's creation time). */
  createdAt?: string;
}

export interface SeedIssue {
  title: string;
  body?: string;
  labels?: string[];
  state?: 'open' | 'closed';
  /** Login of the author (default: the action's identity, `github-actions[bot]`). */
  author?: string;
  /** ISO times (default: the sandbox start). */
  createdAt?: string;
  updatedAt?: string;
  /** A pull request: listed by the issues API (clients must skip it), `pull_request` set. */
  pullRequest?: boolean;
  comments?: SeedComment[];
}

export interface SeedEnvironment {
  name: string;
  /** Required reviewers (logins); none = an unprotected environment. */
  reviewers?: string[];
  /** Required reviewer teams (slugs of teams in the owner organisation). */
  teamReviewers?: string[];
  preventSelfReview?: boolean;
  /** Wait timer in minutes. */
  waitTimer?: number;
}

export interface SeedApproval {
  /** Environment names the review covered. */
  environments: string[];
  state: 'approved' | 'rejected' | 'pending';
  /** Login of the reviewer. */
  user: string;
  comment?: string;
}

export interface SeedPendingDeployment {
  environment: string;
  /** Reviewer logins (default: the environment's reviewers). */
  reviewers?: string[];
  currentUserCanApprove?: boolean;
}

export interface SeedRun {
  id: number;
  attempt?: number;
  event?: string;
  /** Branch the run is on (default `main`). */
  branch?: string;
  /** Workflow file (default `.github/workflows/keyvault-alert.yml`). */
  workflow?: string;
  actor?: string;
  status?: 'queued' | 'in_progress' | 'waiting' | 'completed';
  approvals?: SeedApproval[];
  pendingDeployments?: SeedPendingDeployment[];
}

/** What a job's OIDC token says: an environment job gets `…:environment:NAME`, any other `…:ref:REF`. */
export interface SeedJob {
  environment?: string;
  /** Default `refs/heads/main`. */
  ref?: string;
  /** Overrides the computed subject (e.g. the immutable `repo:ORG@id/REPO@id:…` form). */
  subject?: string;
  /** Run the job belongs to (default: the first run). */
  runId?: number;
}

export interface GitHubScenario {
  owner: string;
  repo: string;
  /** Token → login. Default: {@link DEFAULT_ACTION_TOKEN} → `github-actions[bot]`. */
  tokens?: Record<string, string>;
  labels?: SeedLabel[];
  issues?: SeedIssue[];
  environments?: SeedEnvironment[];
  runs?: SeedRun[];
  /** Jobs by name (the runner's GITHUB_JOB) with their OIDC subject. Default: `triage` on refs/heads/main. */
  jobs?: Record<string, SeedJob>;
  /** Content-creating requests (POST, PATCH, PUT, DELETE) allowed per minute before a secondary rate limit. */
  secondaryRateLimit?: { perMinute: number; retryAfterSeconds?: number };
  /** New or changed issues stay invisible to search for this long (github.com: up to a minute). */
  searchIndexLagSeconds?: number;
  /** Search requests allowed per minute before 403 with `x-ratelimit-remaining: 0` (github.com: 30); default no limit. */
  searchPerMinute?: number;
}

export const DEFAULT_ACTION_TOKEN = 'ghs_sandboxActionToken0000000000000000';
export const ACTION_LOGIN = 'github-actions[bot]';
