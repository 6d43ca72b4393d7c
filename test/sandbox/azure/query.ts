// Evaluates the action's own impact and callers queries over seeded audit records, without a KQL engine:
// `recognizeQuery` (the action's builder, inverted) gives the parameters, and this module does what the KQL
// text does, step by step, over the records projected into each table shape. Any other text is refused.
import { CALLERS_COLUMNS, IMPACT_COLUMNS, LOG_TABLES, recognizeQuery } from '../../../src/impact/kql.js';
import { toAzkvAuditLogs, toAzureDiagnostics, type Row } from './audit.js';
import type { AuditRecord, AuditTable } from './scenario.js';

export interface QueryTable {
  table: AuditTable;
  workspaceCustomerId: string;
  records: AuditRecord[];
}

export interface QueryResult {
  columns: { name: string; type: string }[];
  rows: unknown[][];
}

/** Inclusive time range in epoch ms (the API's `timespan` narrows every query to it). */
export interface TimeRange {
  start: number;
  end: number;
}

/** One record after the `project` step both branches of the union end with. */
interface Projected {
  TimeGenerated: string;
  time: number;
  OperationName: string;
  ResultSignature: string;
  ResultType: string;
  HttpStatusCode: number | null;
  CallerIp: string;
  CallerObjectId: string;
  CallerUpn: string;
  CallerAppId: string;
  ObjectUri: string;
}

function str(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** KQL coalesce over strings: the first non-empty one. */
function coalesce(...values: unknown[]): string {
  return values.map(str).find((v) => v !== '') ?? '';
}

function toInt(value: unknown): number | null {
  const n = typeof value === 'number' ? value : Number.NaN;
  return Number.isFinite(n) ? Math.trunc(n) : null;
}

function claim(row: Row, name: string): unknown {
  const identity = row.Identity as { claim?: Record<string, unknown> } | undefined;
  return identity?.claim?.[name];
}

function projectAzureDiagnostics(row: Row): Omit<Projected, 'time'> {
  return {
    TimeGenerated: str(row.TimeGenerated),
    OperationName: str(row.OperationName),
    ResultSignature: str(row.ResultSignature),
    ResultType: str(row.ResultType),
    HttpStatusCode: toInt(row.httpStatusCode_d),
    CallerIp: str(row.CallerIPAddress),
    CallerObjectId: coalesce(
      row.identity_claim_oid_g,
      row.identity_claim_http_schemas_microsoft_com_identity_claims_objectidentifier_g,
    ),
    CallerUpn: coalesce(
      row.identity_claim_upn_s,
      row.identity_claim_http_schemas_xmlsoap_org_ws_2005_05_identity_claims_upn_s,
    ),
    CallerAppId: str(row.identity_claim_appid_g),
    ObjectUri: coalesce(row.id_s, row.requestUri_s),
  };
}

function projectAzkvAuditLogs(row: Row): Omit<Projected, 'time'> {
  return {
    TimeGenerated: str(row.TimeGenerated),
    OperationName: str(row.OperationName),
    ResultSignature: str(row.ResultSignature),
    ResultType: str(row.ResultType),
    HttpStatusCode: toInt(row.HttpStatusCode),
    CallerIp: str(row.CallerIpAddress),
    CallerObjectId: coalesce(
      claim(row, 'oid'),
      claim(row, 'http://schemas.microsoft.com/identity/claims/objectidentifier'),
    ),
    CallerUpn: coalesce(claim(row, 'upn'), claim(row, 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn')),
    CallerAppId: str(claim(row, 'appid')),
    ObjectUri: coalesce(row.Id, row.RequestUri),
  };
}

/** The union's branches: time window, vault filter and projection, per table the workspace holds. */
function unionRows(
  tables: QueryTable[],
  wanted: readonly AuditTable[],
  window: TimeRange,
  vaultResourceId: string,
): Projected[] {
  const out: Projected[] = [];
  for (const t of tables) {
    if (!wanted.includes(t.table)) continue; // `union isfuzzy=true` skips tables the workspace lacks
    for (const record of t.records) {
      const row =
        t.table === 'AzureDiagnostics'
          ? toAzureDiagnostics(record, t.workspaceCustomerId)
          : toAzkvAuditLogs(record, t.workspaceCustomerId);
      const time = Date.parse(str(row.TimeGenerated));
      if (!(time >= window.start && time <= window.end)) continue;
      if (t.table === 'AzureDiagnostics' && row.ResourceProvider !== 'MICROSOFT.KEYVAULT') continue;
      if (str(row._ResourceId).toLowerCase() !== vaultResourceId.toLowerCase()) continue;
      const projected = t.table === 'AzureDiagnostics' ? projectAzureDiagnostics(row) : projectAzkvAuditLogs(row);
      out.push({ ...projected, time });
    }
  }
  return out;
}

function extract(re: RegExp, text: string): string {
  return re.exec(text)?.[1] ?? '';
}

const COLLECTION = /^[A-Za-z]+:\/\/[^/]+\/([^/?#]+)/;
const NAME = /^[A-Za-z]+:\/\/[^/]+\/[^/?#]+\/([^/?#]+)/;
const VERSION = /^[A-Za-z]+:\/\/[^/]+\/[^/?#]+\/[^/?#]+\/([0-9A-Fa-f]{32})(?:[/?#]|$)/;

function objectType(collection: string): string {
  if (collection === 'secrets' || collection === 'deletedsecrets') return 'secret';
  if (collection === 'keys' || collection === 'deletedkeys') return 'key';
  if (collection === 'certificates' || collection === 'deletedcertificates') return 'certificate';
  return 'vault';
}

interface Group {
  key: unknown[];
  count: number;
  first: Projected;
  last: Projected;
}

/** `summarize Count = count(), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated) by <key>`. */
function summarize(rows: Projected[], keyOf: (r: Projected) => unknown[]): Group[] {
  const groups = new Map<string, Group>();
  for (const r of rows) {
    const key = keyOf(r);
    const id = JSON.stringify(key);
    const g = groups.get(id);
    if (!g) groups.set(id, { key, count: 1, first: r, last: r });
    else {
      g.count += 1;
      if (r.time < g.first.time) g.first = r;
      if (r.time > g.last.time) g.last = r;
    }
  }
  return [...groups.values()];
}

/** KQL ordering: nulls first ascending; strings ordinal. */
function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return str(a) < str(b) ? -1 : 1;
}

function evaluateImpact(
  tables: QueryTable[],
  p: {
    vaultResourceId: string;
    start: string;
    end: string;
    ip?: string;
    objectId?: string;
    upn?: string;
    tables?: AuditTable[];
  },
  timespan: TimeRange,
): QueryResult {
  const window = {
    start: Math.max(Date.parse(p.start), timespan.start),
    end: Math.min(Date.parse(p.end), timespan.end),
  };
  const rows = unionRows(tables, p.tables ?? LOG_TABLES, window, p.vaultResourceId).filter(
    (r) =>
      (p.ip !== undefined && r.CallerIp === p.ip) ||
      (p.objectId !== undefined && r.CallerObjectId.toLowerCase() === p.objectId.toLowerCase()) ||
      (p.upn !== undefined && r.CallerUpn.toLowerCase() === p.upn.toLowerCase()),
  );
  const groups = summarize(rows, (r) => {
    const type = objectType(extract(COLLECTION, r.ObjectUri).toLowerCase());
    return [
      type,
      type === 'vault' ? '' : extract(NAME, r.ObjectUri),
      extract(VERSION, r.ObjectUri).toLowerCase(),
      r.OperationName,
      r.ResultSignature === '' ? r.ResultType : r.ResultSignature,
      r.HttpStatusCode,
    ];
  });
  groups.sort((a, b) => {
    for (let i = 0; i < a.key.length; i++) {
      const c = compare(a.key[i], b.key[i]);
      if (c !== 0) return c;
    }
    return 0;
  });
  return {
    columns: IMPACT_COLUMNS.map((c) => ({ ...c })),
    rows: groups.map((g) => [...g.key, g.count, g.first.TimeGenerated, g.last.TimeGenerated]),
  };
}

function evaluateCallers(
  tables: QueryTable[],
  p: { vaultResourceId: string; start: string; end: string; tables?: AuditTable[] },
  timespan: TimeRange,
): QueryResult {
  const window = {
    start: Math.max(Date.parse(p.start), timespan.start),
    end: Math.min(Date.parse(p.end), timespan.end),
  };
  const rows = unionRows(tables, p.tables ?? LOG_TABLES, window, p.vaultResourceId);
  const groups = summarize(rows, (r) => [r.CallerIp, r.CallerObjectId, r.CallerUpn, r.CallerAppId]);
  groups.sort((a, b) => {
    if (a.count !== b.count) return b.count - a.count;
    for (let i = 0; i < a.key.length; i++) {
      const c = compare(a.key[i], b.key[i]);
      if (c !== 0) return c;
    }
    return 0;
  });
  return {
    columns: CALLERS_COLUMNS.map((c) => ({ ...c })),
    rows: groups.map((g) => [...g.key, g.count, g.first.TimeGenerated, g.last.TimeGenerated]),
  };
}

/** The result of a query the action builds, or undefined for any other text (the API answers 400 then). */
export function evaluateQuery(text: string, tables: QueryTable[], timespan: TimeRange): QueryResult | undefined {
  const recognized = recognizeQuery(text);
  if (!recognized) return undefined;
  return recognized.kind === 'impact'
    ? evaluateImpact(tables, recognized.params, timespan)
    : evaluateCallers(tables, recognized.params, timespan);
}

const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

function durationMs(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return undefined;
  const [, w, d, h, min, s] = m.map((x) => Number(x ?? 0));
  return ((((w ?? 0) * 7 + (d ?? 0)) * 24 + (h ?? 0)) * 60 + (min ?? 0)) * 60_000 + (s ?? 0) * 1000;
}

/**
 * The `timespan` of a query body (ISO 8601 interval: `start/end`, `start/duration`, `duration/end` or a duration
 * ending now) as a range; no timespan means no limit. Undefined when it is not an interval.
 */
export function parseTimespan(value: unknown, now: number): TimeRange | undefined {
  if (value === undefined || value === null) return { start: -Infinity, end: Infinity };
  if (typeof value !== 'string') return undefined;
  const parts = value.split('/');
  const time = (t: string) => (/^\d{4}-/.test(t) ? Date.parse(t) : Number.NaN);
  if (parts.length === 1) {
    const d = durationMs(value);
    return d === undefined ? undefined : { start: now - d, end: now };
  }
  if (parts.length !== 2) return undefined;
  const [a = '', b = ''] = parts;
  const [ta, tb, da, db] = [time(a), time(b), durationMs(a), durationMs(b)];
  if (!Number.isNaN(ta) && !Number.isNaN(tb)) return { start: ta, end: tb };
  if (!Number.isNaN(ta) && db !== undefined) return { start: ta, end: ta + db };
  if (da !== undefined && !Number.isNaN(tb)) return { start: tb - da, end: tb };
  return undefined;
}
