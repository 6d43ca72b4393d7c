// Fake Log Analytics query API (api.loganalytics.io/v1): workspace and resource-centric queries. There is no
// KQL engine: the fake answers only the queries the action's own builder writes (see query.ts) and refuses the
// rest with 400 BadArgumentError.
import { randomUUID } from 'node:crypto';
import type { Handler, SandboxRequest, SandboxResponse } from '../core/types.js';
import type { AuditRecord } from './scenario.js';
import { evaluateQuery, parseTimespan, type QueryTable } from './query.js';
import { json } from './respond.js';
import { isAuthorized } from './roles.js';
import { vaultResourceId, workspaceResourceId, type AzureState, type Workspace } from './state.js';
import { authenticate, type Caller } from './tokens.js';

function logsError(
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
): SandboxResponse {
  return json(status, { error: { message, code, correlationId: randomUUID(), ...extra } });
}

// The errorDetail of the 2022-10-27 spec carries code and message only.
const PARTIAL_ERROR = {
  code: 'PartialError',
  message: 'There were some errors when processing your query.',
  details: [
    {
      code: 'EngineError',
      message:
        'The results of this query exceed the set limit of 64000000 bytes, so not all records were returned (E_QUERY_RESULT_SET_TOO_LARGE, 0x80DA0003). Please review https://aka.ms/kustoquerylimits for more information and possible solutions.',
    },
  ],
};

/** The records a query sees, with the workspace(s) they come from. */
interface Source {
  workspaces: Workspace[];
  /** Only records of this resource (resource-centric queries). */
  resourceId?: string;
  /** ARM scope the caller needs read access on. */
  scope: string;
}

export function createLogs(state: AzureState): Handler {
  function resolve(path: string): Source | SandboxResponse {
    const byWorkspace = /^\/v1\/workspaces\/([^/]+)\/query$/i.exec(path);
    if (byWorkspace?.[1]) {
      const ws = state.workspaceByCustomerId(byWorkspace[1]);
      if (!ws) {
        return logsError(404, 'WorkspaceNotFoundError', `Workspace ${byWorkspace[1]} was not found.`);
      }
      return { workspaces: [ws], scope: workspaceResourceId(ws) };
    }
    // queryResource sends `/v1//subscriptions/…/query`.
    const byResource = /^\/v1\/+(subscriptions\/.+)\/query$/i.exec(path);
    if (byResource?.[1]) {
      const resourceId = `/${byResource[1]}`;
      const vaultName = /\/providers\/Microsoft\.KeyVault\/vaults\/([^/]+)$/i.exec(resourceId)?.[1];
      const vault = vaultName ? state.vault(vaultName) : undefined;
      if (!vault || vaultResourceId(vault).toLowerCase() !== resourceId.toLowerCase()) {
        return logsError(404, 'ResourceNotFoundError', `The resource ${resourceId} was not found.`);
      }
      const targets = vault.diagnosticSettings.map((d) => d.workspaceResourceId.toLowerCase());
      return {
        workspaces: state.workspaces.filter((w) => targets.includes(workspaceResourceId(w).toLowerCase())),
        resourceId,
        scope: resourceId,
      };
    }
    return logsError(404, 'PathNotFoundError', 'The requested path does not exist');
  }

  function tables(source: Source): QueryTable[] {
    const out: QueryTable[] = [];
    for (const ws of source.workspaces) {
      const records: AuditRecord[] = source.resourceId
        ? ws.records.filter((r) => r.resourceId.toLowerCase() === source.resourceId?.toLowerCase())
        : ws.records;
      for (const table of ws.tables) out.push({ table, workspaceCustomerId: ws.customerId, records });
    }
    return out;
  }

  function query(req: SandboxRequest, caller: Caller): SandboxResponse {
    const source = resolve(req.url.pathname);
    if ('status' in source) return source;
    if (
      !isAuthorized(
        state,
        caller.identity.objectId,
        'Microsoft.OperationalInsights/workspaces/query/read',
        source.scope,
        'control',
      )
    ) {
      return logsError(
        403,
        'InsufficientAccessError',
        'The provided credentials have insufficient access to perform the requested operation',
      );
    }
    if (source.workspaces.some((w) => w.faults.forbidden)) {
      return logsError(
        403,
        'InsufficientAccessError',
        'The provided credentials have insufficient access to perform the requested operation',
      );
    }
    const body = req.json as { query?: unknown; timespan?: unknown } | undefined;
    if (typeof body?.query !== 'string') {
      return logsError(400, 'BadArgumentError', 'The request had some invalid properties', {
        innererror: { code: 'QueryValidationError', message: "Required property 'query' not found in JSON." },
      });
    }
    const timespan = parseTimespan(body.timespan, state.now());
    if (!timespan) {
      return logsError(400, 'BadArgumentError', 'The request had some invalid properties', {
        innererror: { code: 'QueryValidationError', message: `Invalid timespan '${String(body.timespan)}'.` },
      });
    }
    const result = evaluateQuery(body.query, tables(source), timespan);
    if (!result) {
      return logsError(400, 'BadArgumentError', 'The request had some invalid properties', {
        innererror: {
          code: 'SemanticError',
          message: 'A semantic error occurred.',
          innererror: { code: 'SEM0100', message: 'The sandbox answers only the queries the action builds.' },
        },
      });
    }
    const partial = source.workspaces.some((w) => w.faults.partialError);
    return json(200, { tables: [{ name: 'PrimaryResult', ...result }], ...(partial ? { error: PARTIAL_ERROR } : {}) });
  }

  return (req) => {
    const auth = authenticate(state, req.headers, 'logs');
    if (!auth.ok) {
      return auth.reason === 'missing'
        ? logsError(401, 'AuthorizationRequiredError', 'Valid authentication was not provided')
        : logsError(401, 'InvalidTokenError', 'The provided authentication is not valid for this resource');
    }
    req.identity = auth.caller.identity.displayName;
    if (req.method !== 'POST' && req.method !== 'GET') {
      return logsError(405, 'MethodNotAllowedError', `${req.method} is not supported`);
    }
    if (req.body && req.json === undefined) {
      return logsError(400, 'BadArgumentError', 'The request body is not valid JSON.');
    }
    return query(req, auth.caller);
  };
}
