import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import {
  CALLERS_COLUMNS,
  IMPACT_COLUMNS,
  buildCallersQuery,
  buildImpactQuery,
  kqlString,
  kqlValue,
  recognizeQuery,
  type CallersQueryParams,
  type ImpactQueryParams,
  type LogTable,
} from '../../src/impact/kql.js';

// ---- Microsoft's KQL parser and analyser (@kusto/language-service-next), loaded as the scripts it ships as. ----

interface DotNetList<T> {
  Count: number;
  getItem(i: number): T;
}
interface KustoDiagnostic {
  Severity: string;
  Code: string;
  Message: string;
  Start: number;
}
interface KustoColumn {
  Name: string;
  Type: { Name: string };
}
interface KustoLiteral {
  LiteralValue: unknown;
}
interface KustoCode {
  GetDiagnostics(): DotNetList<KustoDiagnostic>;
  ResultType: { Columns?: DotNetList<KustoColumn> } | null;
  Syntax: { GetDescendants(type: unknown): DotNetList<KustoLiteral> };
}
interface KustoLanguage {
  Symbols: {
    TableSymbol: { From(schema: string): { WithName(name: string): unknown } };
    DatabaseSymbol: { $ctor2: new (name: string, alternate: null, tables: unknown[]) => unknown };
    ClusterSymbol: { ctor: new (name: string, dbs: unknown[]) => unknown };
  };
  GlobalState: { Default: { WithCluster(c: unknown): { WithDatabase(db: unknown): unknown } } };
  KustoCode: { ParseAndAnalyze(text: string, globals: unknown): KustoCode };
  Syntax: { LiteralExpression: unknown };
}

const require = createRequire(import.meta.url);
require('@kusto/language-service-next/bridge.js');
require('@kusto/language-service-next/Kusto.Language.Bridge.js');
const K = (globalThis as unknown as { Kusto: { Language: KustoLanguage } }).Kusto.Language;

// Column names and types from FACTS.md §2 (AzureDiagnostics: `_s` string, `_g` guid, `_d` real).
const AZURE_DIAGNOSTICS_BASE = [
  'TimeGenerated:datetime',
  'ResourceProvider:string',
  'ResourceType:string',
  'Resource:string',
  '_ResourceId:string',
  'OperationName:string',
  'ResultType:string',
  'ResultSignature:string',
  'CallerIPAddress:string',
];
const AZURE_DIAGNOSTICS_KV = [
  'httpStatusCode_d:real',
  'id_s:string',
  'requestUri_s:string',
  'clientInfo_s:string',
  'identity_claim_appid_g:guid',
  'identity_claim_idtyp_s:string',
  'identity_claim_oid_g:guid',
  'identity_claim_upn_s:string',
  'identity_claim_http_schemas_microsoft_com_identity_claims_objectidentifier_g:guid',
  'identity_claim_http_schemas_xmlsoap_org_ws_2005_05_identity_claims_upn_s:string',
  'addedAccessPolicy_ObjectId_g:guid',
  'removedAccessPolicy_ObjectId_g:guid',
];
const AZKV_AUDIT_LOGS = [
  'TimeGenerated:datetime',
  'OperationName:string',
  'ResultType:string',
  'ResultSignature:string',
  'HttpStatusCode:int',
  'CallerIpAddress:string',
  'Identity:dynamic',
  'Id:string',
  'RequestUri:string',
  'ClientInfo:string',
  'IsAccessPolicyMatch:bool',
  'IsRbacAuthorized:bool',
  'NetworkAcls:string',
  '_ResourceId:string',
];

function globals(azureDiagnostics: string[], audit: string[] = AZKV_AUDIT_LOGS): unknown {
  const tables = [
    K.Symbols.TableSymbol.From(`(${azureDiagnostics.join(', ')})`).WithName('AzureDiagnostics'),
    K.Symbols.TableSymbol.From(`(${audit.join(', ')})`).WithName('AZKVAuditLogs'),
  ];
  const db = new K.Symbols.DatabaseSymbol.$ctor2('workspace', null, tables);
  const cluster = new K.Symbols.ClusterSymbol.ctor('cluster', [db]);
  return K.GlobalState.Default.WithCluster(cluster).WithDatabase(db);
}

const workspaces = {
  'every Key Vault column': globals([...AZURE_DIAGNOSTICS_BASE, ...AZURE_DIAGNOSTICS_KV]),
  'data-plane claims only (no long-form claim columns)': globals([
    ...AZURE_DIAGNOSTICS_BASE,
    ...AZURE_DIAGNOSTICS_KV.filter((c) => !c.startsWith('identity_claim_http')),
  ]),
  'no Key Vault record ever (no flattened columns)': globals(AZURE_DIAGNOSTICS_BASE),
};

function analyse(text: string, g: unknown = workspaces['every Key Vault column']) {
  const code = K.KustoCode.ParseAndAnalyze(text, g);
  const d = code.GetDiagnostics();
  const errors: string[] = [];
  for (let i = 0; i < d.Count; i += 1) {
    const x = d.getItem(i);
    if (x.Severity === 'Error') errors.push(`${x.Code} at ${x.Start}: ${x.Message}`);
  }
  const columns: { name: string; type: string }[] = [];
  const cols = code.ResultType?.Columns;
  for (let i = 0; cols && i < cols.Count; i += 1) {
    columns.push({ name: cols.getItem(i).Name, type: cols.getItem(i).Type.Name });
  }
  const literalList = code.Syntax.GetDescendants(K.Syntax.LiteralExpression);
  const literals: unknown[] = [];
  for (let i = 0; i < literalList.Count; i += 1) literals.push(literalList.getItem(i).LiteralValue);
  return { errors, columns, literals };
}

// ---- Fixtures ----

const VAULT =
  '/subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg-prod/providers/Microsoft.KeyVault/vaults/kv-prod-01';
const WINDOW = { vaultResourceId: VAULT, start: '2026-11-29T10:00:00.000Z', end: '2026-11-29T16:30:00.000Z' };
const OID = '6f1a2b3c-4d5e-4f60-8a9b-0c1d2e3f4a5b';

const impactCases: ImpactQueryParams[] = [
  { ...WINDOW, ip: '203.0.113.7' },
  { ...WINDOW, objectId: OID },
  { ...WINDOW, upn: 'alex@contoso.com' },
  { ...WINDOW, ip: '2001:db8::7', objectId: OID, upn: "o'brien@contoso.onmicrosoft.com" },
  { ...WINDOW, ip: '198.51.100.20', upn: 'guest_fabrikam.com#EXT#@contoso.onmicrosoft.com' },
  { ...WINDOW, objectId: OID, tables: ['AzureDiagnostics'] },
  { ...WINDOW, ip: '203.0.113.7', tables: ['AZKVAuditLogs'] },
  { ...WINDOW, ip: '203.0.113.7', objectId: OID, tables: ['AZKVAuditLogs', 'AzureDiagnostics'] },
  {
    vaultResourceId:
      '/SUBSCRIPTIONS/0B1F6471-1BF0-4DDA-AEC3-CB9272F09590/RESOURCEGROUPS/Ré_gion(1).x/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/KV-A1',
    start: '2020-01-01T00:00:00.000Z',
    end: '2020-01-01T00:00:00.001Z',
    upn: "a.b-c_d!#^~'x@sub.contoso.com",
  },
];

const callersCases: CallersQueryParams[] = [
  WINDOW,
  { ...WINDOW, tables: ['AzureDiagnostics'] },
  { ...WINDOW, tables: ['AZKVAuditLogs'] },
  { ...WINDOW, tables: ['AZKVAuditLogs', 'AzureDiagnostics'] },
];

// ---- Tests ----

describe('kqlString', () => {
  const hostile = [
    'plain',
    '"',
    "'",
    '\\',
    '\\"',
    '"; drop table AzureDiagnostics; //',
    '" | take 1 | where "" == "',
    '\\" | take 1 //',
    '\\u0022 | take 1',
    "@'verbatim'",
    'h"hidden"',
    '{ } [ ] ( ) ; | ` $ % & * ~',
    '日本語 — Ünïcödé 😀',
    'end with backslash \\',
  ];

  it.each(hostile)('%j stays one string literal with exactly that value (checked by the Kusto parser)', (value) => {
    const { errors, columns, literals } = analyse(`print x = ${kqlString(value)}`);
    expect(errors).toEqual([]);
    expect(columns).toEqual([{ name: 'x', type: 'string' }]);
    expect(literals).toEqual([value]);
  });

  it.each([
    ['a line break', 'a\nb'],
    ['a carriage return', 'a\rb'],
    ['a NUL', 'a\u0000b'],
    ['a bidi override', 'a\u202Eb'],
    ['a zero-width space', 'a\u200Bb'],
    ['a line separator', 'a\u2028b'],
    ['a lone surrogate', 'a\uD800b'],
  ])('refuses a value with %s', (_name, value) => {
    expect(() => kqlString(value)).toThrow(UserError);
  });

  it('refuses values longer than 1024 characters', () => {
    expect(() => kqlString('x'.repeat(1025))).toThrow(/longer than 1024/);
  });
});

describe('kqlValue', () => {
  it.each([
    ['ip', '1.2.3.4" | take 1'],
    ['ip', '1.2.3.4/32'],
    ['ip', '1.2.3.4\n| take 1'],
    ['objectId', '6f1a2b3c-4d5e-4f60-8a9b-0c1d2e3f4a5b"; drop'],
    ['objectId', '00000000-0000-0000-0000-000000000000'],
    ['upn', 'a@contoso.com" | take 1'],
    ['upn', 'a@contoso.com\\'],
    ['upn', 'a b@contoso.com'],
    ['upn', 'not-a-upn'],
    ['vaultResourceId', `${VAULT}" | take 1`],
    ['vaultResourceId', '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa'],
    ['datetime', '2026-01-01T00:00:00Z) | take 1 //'],
    ['datetime', 'now()'],
    ['datetime', '2026-02-30T00:00:00Z'],
  ] as const)('refuses %s %j', (kind, value) => {
    expect(() => kqlValue(kind, value)).toThrow(UserError);
  });

  it('renders values in one canonical form', () => {
    expect(kqlValue('ip', '::ffff:203.0.113.7')).toBe('"203.0.113.7"');
    expect(kqlValue('ip', '2001:DB8::1')).toBe('"2001:db8::1"');
    expect(kqlValue('objectId', OID.toUpperCase())).toBe(`"${OID}"`);
    expect(kqlValue('upn', "o'brien@contoso.com")).toBe(`"o'brien@contoso.com"`);
    expect(kqlValue('datetime', '2026-11-29T12:00:00.1234567+02:00')).toBe('datetime(2026-11-29T10:00:00.123Z)');
    expect(kqlValue('vaultResourceId', VAULT)).toBe(`"${VAULT}"`);
  });
});

describe('buildImpactQuery and buildCallersQuery', () => {
  it('filter by exactly the caller identifiers that are known, joined by "or"', () => {
    expect(buildImpactQuery({ ...WINDOW, ip: '203.0.113.7' })).toContain('\n| where CallerIp == SuspectIp\n');
    expect(buildImpactQuery({ ...WINDOW, objectId: OID, upn: 'a@contoso.com' })).toContain(
      '\n| where CallerObjectId =~ SuspectObjectId or CallerUpn =~ SuspectUpn\n',
    );
  });

  it('read both table shapes with a fuzzy union, and only the tables asked for', () => {
    const both = buildImpactQuery({ ...WINDOW, ip: '203.0.113.7' });
    expect(both).toContain('union isfuzzy=true\n    (AzureDiagnostics\n');
    expect(both).toContain('\n    (AZKVAuditLogs\n');
    const one = buildImpactQuery({ ...WINDOW, ip: '203.0.113.7', tables: ['AZKVAuditLogs'] });
    expect(one).not.toContain('AzureDiagnostics');
  });

  it.each([
    ['no caller identifier', () => buildImpactQuery({ ...WINDOW }), /needs a caller IP, object id or UPN/],
    ['an empty window', () => buildCallersQuery({ ...WINDOW, end: WINDOW.start }), /is not before its end/],
    ['a reversed window', () => buildCallersQuery({ ...WINDOW, start: WINDOW.end, end: WINDOW.start }), /not before/],
    ['no tables', () => buildCallersQuery({ ...WINDOW, tables: [] }), /at least one log table/],
    [
      'an unknown table',
      () => buildCallersQuery({ ...WINDOW, tables: ['SecurityEvent' as LogTable] }),
      /unknown log table "SecurityEvent"/,
    ],
    [
      'a repeated table',
      () => buildCallersQuery({ ...WINDOW, tables: ['AZKVAuditLogs', 'AZKVAuditLogs'] }),
      /repeated/,
    ],
  ])('refuse %s', (_name, build, message) => {
    expect(build).toThrow(UserError);
    expect(build).toThrow(message);
  });
});

describe('generated queries against the real table schemas (Kusto language service)', () => {
  for (const [workspace, g] of Object.entries(workspaces)) {
    it.each(impactCases.map((p, i) => [i, p] as const))(`impact query %i analyses cleanly (${workspace})`, (_i, p) => {
      const { errors, columns } = analyse(buildImpactQuery(p), g);
      expect(errors).toEqual([]);
      expect(columns).toEqual(IMPACT_COLUMNS);
    });

    it.each(callersCases.map((p, i) => [i, p] as const))(
      `callers query %i analyses cleanly (${workspace})`,
      (_i, p) => {
        const { errors, columns } = analyse(buildCallersQuery(p), g);
        expect(errors).toEqual([]);
        expect(columns).toEqual(CALLERS_COLUMNS);
      },
    );
  }

  it('carries each validated value as one literal the parser reads back unchanged', () => {
    const p = impactCases[3]!;
    const { literals } = analyse(buildImpactQuery(p));
    expect(literals).toEqual(expect.arrayContaining([VAULT, p.ip, p.objectId, p.upn]));
  });

  it('would catch a wrong column name (the check can fail)', () => {
    const broken = buildCallersQuery(WINDOW).replace('CallerIp = CallerIpAddress', 'CallerIp = CallerIPAddress');
    expect(analyse(broken).errors).not.toEqual([]);
  });
});

describe('recognizeQuery', () => {
  it.each(impactCases.map((p, i) => [i, p] as const))('inverts the impact builder exactly (case %i)', (_i, p) => {
    const expected = p.tables?.join() === 'AzureDiagnostics,AZKVAuditLogs' ? { ...p, tables: undefined } : p;
    const recognized = recognizeQuery(buildImpactQuery(p));
    expect(recognized?.kind).toBe('impact');
    expect(JSON.parse(JSON.stringify(recognized?.params))).toEqual(JSON.parse(JSON.stringify(expected)));
  });

  it.each(callersCases.map((p, i) => [i, p] as const))('inverts the callers builder exactly (case %i)', (_i, p) => {
    expect(recognizeQuery(buildCallersQuery(p))).toEqual({ kind: 'callers', params: p });
  });

  it('reports both tables in the default order as the default (no tables)', () => {
    const text = buildCallersQuery({ ...WINDOW, tables: ['AzureDiagnostics', 'AZKVAuditLogs'] });
    expect(text).toBe(buildCallersQuery(WINDOW));
    expect(recognizeQuery(text)).toEqual({ kind: 'callers', params: WINDOW });
  });

  it('returns values in their rendered (canonical) form', () => {
    const text = buildImpactQuery({
      ...WINDOW,
      start: '2026-11-29T12:00:00+02:00',
      ip: '::ffff:203.0.113.7',
      objectId: OID.toUpperCase(),
    });
    expect(recognizeQuery(text)).toEqual({
      kind: 'impact',
      params: { ...WINDOW, ip: '203.0.113.7', objectId: OID },
    });
  });

  const impact = buildImpactQuery({ ...WINDOW, ip: '203.0.113.7', upn: 'a@contoso.com' });
  const callers = buildCallersQuery(WINDOW);
  it.each([
    ['empty text', ''],
    ['another query', 'AzureDiagnostics | take 10'],
    ['an appended operator', `${impact}\n| take 1`],
    ['a trailing newline', `${impact}\n`],
    ['changed whitespace', impact.replace('| where CallerIp', '|  where CallerIp')],
    ['a changed operator', impact.replace('CallerIp == SuspectIp', 'CallerIp != SuspectIp')],
    ['a dropped filter', impact.replace(' or CallerUpn =~ SuspectUpn', '')],
    ['an injected value', impact.replace('"203.0.113.7"', '"203.0.113.7" or 1 == 1')],
    ['an invalid value', impact.replace('"203.0.113.7"', '"203.0.113.777"')],
    ['a different vault kind', impact.replace('Microsoft.KeyVault/vaults', 'Microsoft.Storage/accounts')],
    ['an extra let', impact.replace('let SuspectIp', 'let Extra = "x";\nlet SuspectIp')],
    [
      'a repeated let',
      impact.replace(
        'let SuspectIp = "203.0.113.7";',
        'let SuspectIp = "203.0.113.7";\nlet SuspectIp = "203.0.113.7";',
      ),
    ],
    ['the callers header on the impact body', impact.replace(/^[^\n]*/, callers.split('\n')[0]!)],
    [
      'a callers query with a caller filter',
      callers.replace('| summarize', '| where CallerIp == "1.2.3.4"\n| summarize'),
    ],
    ['a reversed window', callers.replace('2026-11-29T10:00:00.000Z', '2026-11-29T17:00:00.000Z')],
  ])('returns undefined for %s', (_name, text) => {
    expect(recognizeQuery(text)).toBeUndefined();
  });
});
