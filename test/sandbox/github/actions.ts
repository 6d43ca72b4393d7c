// Workflow runs, their approvals and pending deployments, environments and repository dispatches.
import type { SandboxResponse } from '../core/types.js';
import type { RouteContext } from './issues.js';
import { paginate } from './paging.js';
import { notFound, ok, validationFailed } from './responses.js';
import * as shape from './shapes.js';

function run(c: RouteContext) {
  return c.state.runs.get(Number(c.params[0]));
}

export function getRun(c: RouteContext, startedAt: number): SandboxResponse {
  const r = run(c);
  return r ? ok(shape.workflowRun(c.api, c.state, r, startedAt)) : notFound();
}

export function listApprovals(c: RouteContext): SandboxResponse {
  const r = run(c);
  return r ? ok((r.approvals ?? []).map((a) => shape.approval(c.api, c.state, a))) : notFound();
}

export function listPendingDeployments(c: RouteContext, startedAt: number): SandboxResponse {
  const r = run(c);
  return r
    ? ok((r.pendingDeployments ?? []).map((p) => shape.pendingDeployment(c.api, c.state, p, startedAt)))
    : notFound();
}

export function getEnvironment(c: RouteContext): SandboxResponse {
  const env = c.state.environment(decodeURIComponent(c.params[0] ?? ''));
  return env ? ok(shape.environment(c.api, c.state, env)) : notFound();
}

export function listEnvironments(c: RouteContext): SandboxResponse {
  const page = paginate(c.state.environments, c.req.url);
  return ok(
    {
      total_count: c.state.environments.length,
      environments: page.items.map((e) => shape.environment(c.api, c.state, e)),
    },
    200,
    page.headers,
  );
}

export function createDispatch(c: RouteContext): SandboxResponse {
  const body = c.req.json as { event_type?: unknown; client_payload?: unknown } | undefined;
  if (typeof body?.event_type !== 'string' || body.event_type === '')
    return validationFailed('Repository', 'event_type', 'missing_field');
  c.state.dispatches.push({
    eventType: body.event_type,
    clientPayload: body.client_payload ?? {},
    by: c.login,
    at: c.state.now(),
  });
  return { status: 204 };
}
