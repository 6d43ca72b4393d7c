// The fake GitHub: REST routes over GitHubState, token authentication, the secondary rate limit and the Actions
// OIDC token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL), as one handler for the sandbox core.
import type { Handler, SandboxContext, SandboxResponse } from '../core/types.js';
import * as actions from './actions.js';
import * as issues from './issues.js';
import type { RouteContext } from './issues.js';
import { jwks, mintIdToken } from './oidc.js';
import { SearchRateLimit, SecondaryRateLimit } from './ratelimit.js';
import { GitHubHttpError, ghError, notFound, ok } from './responses.js';
import type { GitHubScenario } from './scenario.js';
import { GitHubState } from './state.js';

export { GitHubState } from './state.js';
export * from './scenario.js';
export { OIDC_LIFETIME_SECONDS, keyId, subjectFor } from './oidc.js';

/** Path of the OIDC endpoint; the runner's ACTIONS_ID_TOKEN_REQUEST_URL is `${origin}${OIDC_PATH}?api-version=2.0`. */
export const OIDC_PATH = '/_sandbox/actions/idtoken';

export interface FakeGitHub {
  handler: Handler;
  state: GitHubState;
}

type Route = [method: string, pattern: RegExp, run: (c: RouteContext) => SandboxResponse];

const CONTENT_CREATING = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

function bearer(authorization: string | undefined): string | undefined {
  const match = /^(?:token|bearer)\s+(\S+)$/i.exec(authorization ?? '');
  return match?.[1];
}

export function createFakeGitHub(scenario: GitHubScenario, ctx: SandboxContext): FakeGitHub {
  const state = new GitHubState(scenario, () => ctx.now());
  const startedAt = ctx.now();
  const rateLimit = new SecondaryRateLimit(() => ctx.now());
  const searchLimit = new SearchRateLimit(() => ctx.now());
  const repo = '/repos/([^/]+)/([^/]+)';
  // Repository routes capture owner and repo first; RouteContext.params holds the captures after them.
  const routes: Route[] = [
    ['GET', /^\/issues$/, issues.listIssues],
    ['POST', /^\/issues$/, issues.createIssue],
    ['GET', /^\/issues\/(\d+)$/, issues.getIssue],
    ['PATCH', /^\/issues\/(\d+)$/, issues.updateIssue],
    ['GET', /^\/issues\/(\d+)\/comments$/, issues.listComments],
    ['POST', /^\/issues\/(\d+)\/comments$/, issues.createComment],
    ['PATCH', /^\/issues\/comments\/(\d+)$/, issues.updateComment],
    ['POST', /^\/issues\/(\d+)\/labels$/, (c) => issues.addLabels(c, false)],
    ['PUT', /^\/issues\/(\d+)\/labels$/, (c) => issues.addLabels(c, true)],
    ['DELETE', /^\/issues\/(\d+)\/labels\/([^/]+)$/, issues.removeLabel],
    ['GET', /^\/labels$/, issues.listLabels],
    ['POST', /^\/labels$/, issues.createLabel],
    ['GET', /^\/labels\/([^/]+)$/, issues.getLabel],
    ['GET', /^\/actions\/runs\/(\d+)$/, (c) => actions.getRun(c, startedAt)],
    ['GET', /^\/actions\/runs\/(\d+)\/approvals$/, actions.listApprovals],
    ['GET', /^\/actions\/runs\/(\d+)\/pending_deployments$/, (c) => actions.listPendingDeployments(c, startedAt)],
    ['GET', /^\/environments$/, actions.listEnvironments],
    ['GET', /^\/environments\/([^/]+)$/, actions.getEnvironment],
    ['POST', /^\/dispatches$/, actions.createDispatch],
  ];

  function oidc(req: Parameters<Handler>[0]): SandboxResponse {
    const job = state.jobForRequestToken(bearer(req.headers.authorization) ?? '');
    if (!job) return ghError(401, 'Bad credentials');
    req.identity = `job:${job[0]}`;
    const audience = req.url.searchParams.get('audience') ?? `https://github.com/${state.owner}`;
    return ok({ value: mintIdToken(ctx, state, job[0], job[1], audience) });
  }

  function route(req: Parameters<Handler>[0]): SandboxResponse {
    const path = req.url.pathname;
    if (req.method === 'GET' && path === '/.well-known/openid-configuration') {
      return ok({
        issuer: ctx.oidcIssuer,
        jwks_uri: `${ctx.oidcIssuer}/.well-known/jwks`,
        subject_types_supported: ['public', 'pairwise'],
        response_types_supported: ['id_token'],
        id_token_signing_alg_values_supported: ['RS256'],
        claims_supported: [
          'sub',
          'aud',
          'exp',
          'iat',
          'iss',
          'jti',
          'nbf',
          'ref',
          'repository',
          'environment',
          'run_id',
        ],
      });
    }
    if (req.method === 'GET' && path === '/.well-known/jwks') return ok(jwks(ctx));
    if (path === OIDC_PATH) return req.method === 'GET' ? oidc(req) : notFound();

    const token = bearer(req.headers.authorization);
    if (!token) return ghError(401, 'Requires authentication');
    const login = state.loginForToken(token);
    if (!login) return ghError(401, 'Bad credentials');
    req.identity = login;

    if (CONTENT_CREATING.has(req.method)) {
      const wait = rateLimit.check(state.secondaryRateLimit);
      if (wait !== undefined) {
        const response = ghError(
          403,
          'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.',
        );
        return { ...response, headers: { 'retry-after': String(wait) } };
      }
    }

    const c = (params: string[]): RouteContext => ({ req, state, api: req.url.origin, login, params });
    if (req.method === 'GET' && path === '/search/issues') {
      const reset = searchLimit.check(state.searchPerMinute);
      if (reset === undefined) return issues.searchIssues(c([]));
      const response = ghError(403, `API rate limit exceeded for user ID ${login}.`);
      const limit = String(state.searchPerMinute);
      return {
        ...response,
        headers: { 'x-ratelimit-limit': limit, 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
      };
    }
    const repoMatch = new RegExp(`^${repo}(/.*)$`).exec(path);
    if (!repoMatch) return notFound();
    const [, owner = '', name = '', rest = ''] = repoMatch;
    if (owner.toLowerCase() !== state.owner.toLowerCase() || name.toLowerCase() !== state.repo.toLowerCase())
      return notFound();
    for (const [method, pattern, run] of routes) {
      const m = pattern.exec(rest);
      if (m && method === req.method) return run(c(m.slice(1)));
    }
    return notFound();
  }

  const handler: Handler = (req) => {
    let response: SandboxResponse;
    try {
      response = route(req);
    } catch (error) {
      if (!(error instanceof GitHubHttpError)) throw error;
      response = error.response;
    }
    // Primary rate limit headers as github.com sends them; plugin-throttling reads x-ratelimit-remaining.
    const reset = String(Math.floor(ctx.now() / 1000) + 3600);
    return {
      ...response,
      headers: {
        'x-ratelimit-limit': '5000',
        'x-ratelimit-remaining': '4999',
        'x-ratelimit-reset': reset,
        'x-ratelimit-resource': req.url.pathname.startsWith('/search/') ? 'search' : 'core',
        'x-github-api-version-selected': '2022-11-28',
        ...response.headers,
      },
    };
  };
  return { handler, state };
}
