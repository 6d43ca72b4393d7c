// KQL for measure-impact (guide step 3): what the suspicious caller touched in the vault, and who else calls it.
// One query covers both shapes of Key Vault resource logs in a workspace — `AzureDiagnostics` (column names
// flattened, two spellings of the identity claims) and the resource-specific `AZKVAuditLogs` — and summarises on
// the server, so the response grows with the number of objects, not of log records.
//
// Untrusted values reach KQL only through `kqlValue`, which checks each value's type and renders it with
// `kqlString`. Every value sits in a `let` at the top; the rest of the text is fixed for a given shape, which is
// what lets `recognizeQuery` invert the builders exactly (it parses the values and rebuilds the text).
import { checkGuid, checkUpn, parseIsoTime, quote } from '../alert/values.js';
import { parseVaultResourceId } from '../alert/resource-id.js';
import { UserError } from '../errors.js';
import { parseIp } from '../net/ip.js';

export type LogTable = 'AzureDiagnostics' | 'AZKVAuditLogs';

/** Both tables, in the order the union lists them when `tables` is not given. */
export const LOG_TABLES: readonly LogTable[] = ['AzureDiagnostics', 'AZKVAuditLogs'];

export interface ImpactQueryParams {
  vaultResourceId: string;
  /** ISO 8601; rendered (and recognised) as UTC with milliseconds. */
  start: string;
  end: string;
  /** At least one of ip / objectId / upn; records matching any of them count. */
  ip?: string;
  objectId?: string;
  upn?: string;
  /** Default: both tables (recognizeQuery then reports `tables` as absent). */
  tables?: LogTable[];
}

export interface CallersQueryParams {
  vaultResourceId: string;
  start: string;
  end: string;
  tables?: LogTable[];
}

export type RecognizedQuery =
  { kind: 'impact'; params: ImpactQueryParams } | { kind: 'callers'; params: CallersQueryParams };

export type KqlType = 'string' | 'int' | 'long' | 'datetime';

/** Output of the impact query, in order: one row per object, version, operation and result. */
export const IMPACT_COLUMNS = [
  { name: 'ObjectType', type: 'string' }, // secret | key | certificate | vault
  { name: 'ObjectName', type: 'string' },
  { name: 'ObjectVersion', type: 'string' }, // 32 hex digits, or '' when the request named no version
  { name: 'OperationName', type: 'string' },
  { name: 'Result', type: 'string' }, // ResultSignature, else ResultType
  { name: 'HttpStatusCode', type: 'int' },
  { name: 'Count', type: 'long' },
  { name: 'FirstSeen', type: 'datetime' },
  { name: 'LastSeen', type: 'datetime' },
] as const satisfies readonly { name: string; type: KqlType }[];

/** Output of the callers query, in order: one row per distinct caller. */
export const CALLERS_COLUMNS = [
  { name: 'CallerIp', type: 'string' },
  { name: 'CallerObjectId', type: 'string' },
  { name: 'CallerUpn', type: 'string' },
  { name: 'CallerAppId', type: 'string' },
  { name: 'Count', type: 'long' },
  { name: 'FirstSeen', type: 'datetime' },
  { name: 'LastSeen', type: 'datetime' },
] as const satisfies readonly { name: string; type: KqlType }[];

// Characters a KQL string literal must not carry: controls (a line break would end a `//` comment or split
// the text), lone surrogates, and invisible/bidi characters that would make the evidence read differently
// from what runs.
// eslint-disable-next-line no-control-regex
const KQL_UNSAFE = /[\u0000-\u001F\u007F-\u009F\u061C\u200B-\u200F\u2028-\u202E\u2060-\u206F\uFEFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const KQL_STRING_MAX = 1024;

/**
 * A KQL double-quoted string literal holding exactly `value`: `\` and `"` are escaped, and characters that
 * have no business in a filter value (controls, bidi, lone surrogates) are refused rather than encoded.
 */
export function kqlString(value: string): string {
  if (value.length > KQL_STRING_MAX) throw new UserError(`KQL value longer than ${KQL_STRING_MAX} characters`);
  if (KQL_UNSAFE.test(value) || LONE_SURROGATE.test(value)) {
    throw new UserError(`KQL value ${quote(value)} contains control, invisible or bidi characters`);
  }
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

export type KqlValueKind = 'ip' | 'objectId' | 'upn' | 'vaultResourceId' | 'datetime';

/**
 * The one way a value enters a query: checked against its type, then rendered as a literal. Datetimes become
 * `datetime(…)` with a normalised UTC text; everything else a string literal. Bad input is a UserError.
 */
export function kqlValue(kind: KqlValueKind, value: string): string {
  switch (kind) {
    case 'ip': {
      const ip = parseIp(value);
      if (!ip) throw new UserError(`KQL: caller IP ${quote(value)} is not an IPv4 or IPv6 address`);
      return kqlString(ip);
    }
    case 'objectId': {
      const checked = checkGuid(value);
      if (!checked.ok) throw new UserError(`KQL: object id ${quote(value)} is ${checked.reason}`);
      return kqlString(checked.value);
    }
    case 'upn': {
      const checked = checkUpn(value);
      if (!checked.ok) throw new UserError(`KQL: UPN ${quote(value)} is ${checked.reason}`);
      return kqlString(checked.value);
    }
    case 'vaultResourceId': {
      const vault = parseVaultResourceId(value);
      if (!vault) throw new UserError(`KQL: ${quote(value)} is not a Key Vault resource id`);
      return kqlString(vault.resourceId);
    }
    case 'datetime': {
      const iso = parseIsoTime(value);
      if (!iso) throw new UserError(`KQL: ${quote(value)} is not an ISO 8601 date and time`);
      return `datetime(${iso})`;
    }
  }
}

function tablesOf(tables: readonly LogTable[] | undefined): readonly LogTable[] {
  if (tables === undefined) return LOG_TABLES;
  if (tables.length === 0) throw new UserError('KQL: at least one log table is needed');
  for (const t of tables) {
    if (!LOG_TABLES.includes(t)) throw new UserError(`KQL: unknown log table ${quote(t)}`);
  }
  if (new Set(tables).size !== tables.length) throw new UserError(`KQL: log tables repeated: ${tables.join(', ')}`);
  return tables;
}

const HEADER = {
  impact: '// kv-alert-playbook measure-impact: vault objects touched by the caller, summarised per object',
  callers: '// kv-alert-playbook measure-impact: callers of the vault, summarised per caller',
} as const;

function windowLets(p: CallersQueryParams): string[] {
  const start = kqlValue('datetime', p.start);
  const end = kqlValue('datetime', p.end);
  // Same fixed-width UTC form on both sides, so text order is time order.
  if (start >= end) throw new UserError(`KQL: window start ${p.start} is not before its end ${p.end}`);
  return [
    `let WindowStart = ${start};`,
    `let WindowEnd = ${end};`,
    `let VaultResourceId = ${kqlValue('vaultResourceId', p.vaultResourceId)};`,
  ];
}

// Both claim spellings: data-plane operations log `oid`/`upn`, ARM operations the schema URIs (FACTS §2).
// AzureDiagnostics grows a `_s`/`_d`/`_g` column only once some record carried it: `column_ifexists` keeps the
// query valid in workspaces that never saw one of them.
const AZURE_DIAGNOSTICS = [
  'AzureDiagnostics',
  '| where TimeGenerated between (WindowStart .. WindowEnd)',
  '| where ResourceProvider == "MICROSOFT.KEYVAULT" and _ResourceId =~ VaultResourceId',
  '| project TimeGenerated, OperationName, ResultSignature, ResultType,',
  '    HttpStatusCode = toint(column_ifexists("httpStatusCode_d", real(null))),',
  '    CallerIp = CallerIPAddress,',
  '    CallerObjectId = coalesce(',
  '        tostring(column_ifexists("identity_claim_oid_g", "")),',
  '        tostring(column_ifexists("identity_claim_http_schemas_microsoft_com_identity_claims_objectidentifier_g", ""))),',
  '    CallerUpn = coalesce(',
  '        tostring(column_ifexists("identity_claim_upn_s", "")),',
  '        tostring(column_ifexists("identity_claim_http_schemas_xmlsoap_org_ws_2005_05_identity_claims_upn_s", ""))),',
  '    CallerAppId = tostring(column_ifexists("identity_claim_appid_g", "")),',
  '    ObjectUri = coalesce(tostring(column_ifexists("id_s", "")), tostring(column_ifexists("requestUri_s", "")))',
];

const AZKV_AUDIT_LOGS = [
  'AZKVAuditLogs',
  '| where TimeGenerated between (WindowStart .. WindowEnd)',
  '| where _ResourceId =~ VaultResourceId',
  '| project TimeGenerated, OperationName, ResultSignature, ResultType,',
  '    HttpStatusCode = toint(HttpStatusCode),',
  '    CallerIp = CallerIpAddress,',
  '    CallerObjectId = coalesce(',
  '        tostring(Identity.claim.oid),',
  '        tostring(Identity.claim["http://schemas.microsoft.com/identity/claims/objectidentifier"])),',
  '    CallerUpn = coalesce(',
  '        tostring(Identity.claim.upn),',
  '        tostring(Identity.claim["http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn"])),',
  '    CallerAppId = tostring(Identity.claim.appid),',
  '    ObjectUri = coalesce(Id, RequestUri)',
];

function union(tables: readonly LogTable[]): string[] {
  const branches = tables.map((t) => (t === 'AzureDiagnostics' ? AZURE_DIAGNOSTICS : AZKV_AUDIT_LOGS));
  return [
    'union isfuzzy=true',
    ...branches.flatMap((lines, i) => {
      const last = i === branches.length - 1;
      return lines.map((line, j) => {
        const open = j === 0 ? '(' : ' ';
        const close = j === lines.length - 1 ? (last ? ')' : '),') : '';
        return `    ${open}${line}${close}`;
      });
    }),
  ];
}

// The object URI is `https://<vault>.vault.azure.net/<collection>/<name>[/<version>]`; list operations and
// 401s carry only the request URI (`…/secrets?api-version=…`); vault operations name the vault itself.
const OBJECT_PARTS = [
  '| extend Collection = tolower(extract(@"^[A-Za-z]+://[^/]+/([^/?#]+)", 1, ObjectUri)),',
  '    ObjectName = extract(@"^[A-Za-z]+://[^/]+/[^/?#]+/([^/?#]+)", 1, ObjectUri),',
  '    ObjectVersion = tolower(extract(@"^[A-Za-z]+://[^/]+/[^/?#]+/[^/?#]+/([0-9A-Fa-f]{32})(?:[/?#]|$)", 1, ObjectUri))',
  '| extend ObjectType = case(',
  '    Collection in ("secrets", "deletedsecrets"), "secret",',
  '    Collection in ("keys", "deletedkeys"), "key",',
  '    Collection in ("certificates", "deletedcertificates"), "certificate",',
  '    "vault")',
  '| extend ObjectName = iff(ObjectType == "vault", "", ObjectName)',
  '| extend Result = iff(isempty(ResultSignature), ResultType, ResultSignature)',
];

/** The impact query: what the caller (by IP, object id or UPN) did to which object, version and result. */
export function buildImpactQuery(p: ImpactQueryParams): string {
  const filters: { let: string; condition: string }[] = [];
  if (p.ip !== undefined) {
    filters.push({ let: `let SuspectIp = ${kqlValue('ip', p.ip)};`, condition: 'CallerIp == SuspectIp' });
  }
  if (p.objectId !== undefined) {
    filters.push({
      let: `let SuspectObjectId = ${kqlValue('objectId', p.objectId)};`,
      condition: 'CallerObjectId =~ SuspectObjectId',
    });
  }
  if (p.upn !== undefined) {
    filters.push({ let: `let SuspectUpn = ${kqlValue('upn', p.upn)};`, condition: 'CallerUpn =~ SuspectUpn' });
  }
  if (filters.length === 0) throw new UserError('KQL: the impact query needs a caller IP, object id or UPN');
  return [
    HEADER.impact,
    ...windowLets(p),
    ...filters.map((f) => f.let),
    ...union(tablesOf(p.tables)),
    `| where ${filters.map((f) => f.condition).join(' or ')}`,
    ...OBJECT_PARTS,
    '| summarize Count = count(), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)',
    '    by ObjectType, ObjectName, ObjectVersion, OperationName, Result, HttpStatusCode',
    '| order by ObjectType asc, ObjectName asc, ObjectVersion asc, OperationName asc, Result asc, HttpStatusCode asc',
  ].join('\n');
}

/** The callers query: every distinct caller of the vault in the window, busiest first. */
export function buildCallersQuery(p: CallersQueryParams): string {
  return [
    HEADER.callers,
    ...windowLets(p),
    ...union(tablesOf(p.tables)),
    '| summarize Count = count(), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)',
    '    by CallerIp, CallerObjectId, CallerUpn, CallerAppId',
    '| order by Count desc, CallerIp asc, CallerObjectId asc, CallerUpn asc, CallerAppId asc',
  ].join('\n');
}

const LET_LINE = /^let (\w+) = (?:datetime\(([^()\s]*)\)|"((?:[^"\\\n]|\\.)*)");$/gm;

// `undefined` first: a query over both tables in the default order is reported without `tables`.
const TABLE_CHOICES: readonly (readonly LogTable[] | undefined)[] = [
  undefined,
  ['AZKVAuditLogs', 'AzureDiagnostics'],
  ['AzureDiagnostics'],
  ['AZKVAuditLogs'],
];

function builds(text: string, build: () => string): boolean {
  try {
    return build() === text;
  } catch {
    return false; // values the builder refuses were not built by it
  }
}

/**
 * The parameters a text was built from, or undefined for any text the builders would not produce exactly
 * (values are parsed from the `let` lines, then the text is rebuilt and compared). Values come back in their
 * rendered form (canonical IP, lower-case GUID, UTC datetimes with milliseconds).
 */
export function recognizeQuery(text: string): RecognizedQuery | undefined {
  const lets = new Map<string, string>();
  for (const [, name, datetime, quoted] of text.matchAll(LET_LINE)) {
    if (lets.has(name!)) return undefined;
    lets.set(name!, datetime ?? quoted!.replace(/\\(.)/g, '$1'));
  }
  const [start, end, vaultResourceId] = [lets.get('WindowStart'), lets.get('WindowEnd'), lets.get('VaultResourceId')];
  if (start === undefined || end === undefined || vaultResourceId === undefined) return undefined;
  const window = { vaultResourceId, start, end };
  const suspect = { ip: lets.get('SuspectIp'), objectId: lets.get('SuspectObjectId'), upn: lets.get('SuspectUpn') };
  const known = Object.fromEntries(Object.entries(suspect).filter(([, v]) => v !== undefined));
  for (const tables of TABLE_CHOICES) {
    const withTables = tables ? { tables: [...tables] } : {};
    if (text.startsWith(`${HEADER.impact}\n`)) {
      const params: ImpactQueryParams = { ...window, ...known, ...withTables };
      if (builds(text, () => buildImpactQuery(params))) return { kind: 'impact', params };
    } else if (text.startsWith(`${HEADER.callers}\n`)) {
      const params: CallersQueryParams = { ...window, ...withTables };
      if (builds(text, () => buildCallersQuery(params))) return { kind: 'callers', params };
    }
  }
  return undefined;
}
