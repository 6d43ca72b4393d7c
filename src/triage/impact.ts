// measure-impact (guide step 3): what the caller touched, from the vault's diagnostic logs, summarised on the
// server; plus the vault's other callers (the firewall keeps them). Never throws for an enrichment failure:
// impact becomes "unknown" with the reason, and unknown impact never feeds a change by itself.
import type { Alert } from '../alert/types.js';
import type { AzureContext } from '../azure/context.js';
import { logsClient, queryWorkspace, type QueryRow } from '../azure/logs.js';
import { discoverWorkspace } from '../azure/workspace.js';
import type { CallerRow, ImpactFindings, ImpactRow } from '../findings/types.js';
import { buildCallersQuery, buildImpactQuery, type LogTable } from '../impact/kql.js';
import { canonicalJson, sha256Hex } from '../plan/canonical.js';
import { parseDuration } from '../playbook/index.js';

/** Log ingestion lags: look a little past the alert's end. */
const END_MARGIN_MS = 60 * 60 * 1000;
/** The vault's callers are listed over at least a week before the alert (and through it). */
const CALLERS_MIN_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

export interface ImpactInputs {
  alert: Alert;
  lookback: string;
  tables: LogTable[];
  /** From the action input or settings.workspace-id; else discovered from the vault's diagnostic settings. */
  workspaceId?: string;
}

export function impactWindow(alert: Alert, lookback: string): { start: string; end: string } {
  const back = parseDuration(lookback) ?? 0;
  return {
    start: new Date(Date.parse(alert.startTime) - back).toISOString(),
    end: new Date(Date.parse(alert.endTime) + END_MARGIN_MS).toISOString(),
  };
}

const text = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const num = (v: unknown) => (typeof v === 'number' ? v : Number(v) || 0);
const OBJECT_TYPES = new Set(['secret', 'key', 'certificate', 'vault']);

function toImpactRow(r: QueryRow): ImpactRow {
  const type = text(r.ObjectType);
  return {
    objectType: (OBJECT_TYPES.has(type) ? type : 'other') as ImpactRow['objectType'],
    objectName: text(r.ObjectName),
    objectVersion: text(r.ObjectVersion),
    operation: text(r.OperationName),
    result: text(r.Result),
    count: num(r.Count),
    firstSeen: text(r.FirstSeen),
    lastSeen: text(r.LastSeen),
  };
}

function toCallerRow(r: QueryRow): CallerRow {
  const optional = (key: string, v: unknown) => (text(v) ? { [key]: text(v) } : {});
  return {
    ...optional('ip', r.CallerIp),
    ...optional('objectId', r.CallerObjectId),
    ...optional('upn', r.CallerUpn),
    ...optional('appId', r.CallerAppId),
    count: num(r.Count),
    firstSeen: text(r.FirstSeen),
    lastSeen: text(r.LastSeen),
  };
}

export async function measureImpact(az: AzureContext | undefined, inputs: ImpactInputs): Promise<ImpactFindings> {
  const { alert } = inputs;
  const timespan = impactWindow(alert, inputs.lookback);
  const unknown = (reason: string): ImpactFindings => ({ status: 'unknown', reason, timespan });
  if (!az) return unknown('Azure reads were skipped (--no-azure)');
  const { ip, objectId, upn } = alert.source;
  if (!ip && !objectId && !upn) return unknown('the alert names no caller IP, object id or UPN to look for');

  let workspaceId = inputs.workspaceId;
  if (!workspaceId) {
    const lookup = await discoverWorkspace(az, alert.vault.resourceId);
    if (!lookup.found) return unknown(lookup.reason);
    workspaceId = lookup.workspaceId;
  }

  const query = buildImpactQuery({
    vaultResourceId: alert.vault.resourceId,
    ...timespan,
    ...(ip ? { ip } : {}),
    ...(objectId ? { objectId } : {}),
    ...(upn ? { upn } : {}),
    tables: inputs.tables,
  });
  const callersSpan = {
    start: new Date(
      Math.min(Date.parse(timespan.start), Date.parse(alert.startTime) - CALLERS_MIN_WINDOW_MS),
    ).toISOString(),
    // Through the alert window too: callers active then (other than the suspect) must not be locked out.
    end: timespan.end,
  };
  const callersQuery = buildCallersQuery({
    vaultResourceId: alert.vault.resourceId,
    ...callersSpan,
    tables: inputs.tables,
  });
  const client = logsClient(az);
  const [impact, callers] = await Promise.all([
    queryWorkspace(client, workspaceId, query, timespan),
    queryWorkspace(client, workspaceId, callersQuery, callersSpan),
  ]);
  if (!impact.ok) return unknown(impact.reason);
  return {
    status: 'measured',
    evidence: {
      workspaceId,
      query,
      timespan,
      rowCount: impact.rows.length,
      resultSha256: sha256Hex(canonicalJson(impact.rows)),
    },
    rows: impact.rows.map(toImpactRow),
    callers: callers.ok ? callers.rows.map(toCallerRow) : [],
    ...(callers.ok ? {} : { callersUnavailable: callers.reason }),
  };
}
