// Fixtures and checks shared by the report tests: realistic inputs, and what "inert" means for a rendered body.
import { expect } from 'vitest';
import type { Alert } from '../../src/alert/types.js';
import type { Findings, ImpactRow, RoleAssignment, VaultState } from '../../src/findings/types.js';
import { planHashLine } from '../../src/report/plan-hash.js';
import { planHash } from '../../src/plan/canonical.js';
import type { Plan } from '../../src/plan/types.js';
import type { ReportInput } from '../../src/report/input.js';
import { linesOutsideCode } from '../../src/report/markdown.js';

export const PORTAL = 'https://portal.azure.com';
export const VAULT_ID =
  '/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-prod/providers/Microsoft.KeyVault/vaults/kv-prod';
const CALLER = '1a2b3c4d-0000-4000-8000-0000000000b2';
const APP = '5e6f7a8b-0000-4000-8000-0000000000a1';
const TENANT = '72f988bf-0000-4000-8000-000000000001';

export const torAlert = (): Alert => ({
  id: '2518298467986649999_4d25bfef-2d77-4a08-adc0-3e35715cc92a',
  type: 'KV_TORAccess',
  simulated: false,
  displayName: 'Access from a TOR exit node to a key vault',
  severity: 'Medium',
  status: 'Active',
  startTime: '2026-11-29T10:00:00.0000000Z',
  endTime: '2026-11-29T11:00:00.0000000Z',
  vault: {
    name: 'kv-prod',
    resourceId: VAULT_ID,
    subscriptionId: '00000000-1111-2222-3333-444444444444',
    resourceGroup: 'rg-prod',
  },
  source: { ip: '185.220.101.7', objectId: CALLER, appId: APP, tenantId: TENANT, userAgent: 'python-requests/2.31.0' },
  operations: [
    { name: 'SecretGet', count: 9 },
    { name: 'SecretList', count: 1 },
  ],
  targets: ['https://kv-prod.vault.azure.net/secrets/db-password'],
  form: 'rest',
});

const vaultState = (over: Partial<VaultState> = {}): VaultState => ({
  resourceId: VAULT_ID,
  name: 'kv-prod',
  tenantId: TENANT,
  location: 'westeurope',
  vaultUri: 'https://kv-prod.vault.azure.net/',
  enableRbacAuthorization: false,
  softDeleteEnabled: true,
  networkAcls: { defaultAction: 'Allow', bypass: 'AzureServices', ipRules: [], virtualNetworkRules: [] },
  accessPolicies: [],
  ...over,
});

const entry = {
  tenantId: TENANT,
  objectId: CALLER,
  applicationId: APP,
  permissions: { secrets: ['get', 'list'], keys: [], certificates: [], storage: [] },
};

export const row = (name: string, version: string, count: number, over: Partial<ImpactRow> = {}): ImpactRow => ({
  objectType: 'secret',
  objectName: name,
  objectVersion: version,
  operation: 'SecretGet',
  result: 'OK',
  count,
  firstSeen: '2026-11-29T10:02:11Z',
  lastSeen: '2026-11-29T10:41:07Z',
  ...over,
});

const QUERY = `let start = datetime(2026-11-28T10:00:00Z);
let end = datetime(2026-11-29T11:30:00Z);
AzureDiagnostics
| where ResourceProvider == "MICROSOFT.KEYVAULT" and CallerIPAddress == "185.220.101.7"
| summarize count_=count(), first=min(TimeGenerated), last=max(TimeGenerated) by OperationName, id_s`;

export const torFindings = (): Findings => ({
  source: {
    kind: 'app',
    ip: {
      address: '185.220.101.7',
      classes: ['unknown'],
      explanation:
        '185.220.101.7 is a public address in no playbook network, not in the vault firewall allow-list, in no Azure service tag: unknown source.',
    },
    tenant: { alert: TENANT, vault: TENANT, relation: 'same' },
    principal: { objectId: CALLER, isSelf: false, accessPolicy: entry, roleAssignments: { vault: [], inherited: [] } },
    vault: vaultState({ accessPolicies: [entry] }),
    unavailable: [],
  },
  impact: {
    status: 'measured',
    evidence: {
      workspaceId: 'b2c3d4e5-0000-4000-8000-00000000c0de',
      query: QUERY,
      timespan: { start: '2026-11-28T10:00:00Z', end: '2026-11-29T11:30:00Z' },
      rowCount: 4,
      resultSha256: 'a'.repeat(64),
    },
    rows: [
      row('api-key', '9f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e', 2),
      row('db-password', '0a1b2c3d4e5f60718293a4b5c6d7e8f9', 4),
      row('storage-conn', '77aa88bb99cc00dd11ee22ff33aa44bb', 3),
      row('', '', 1, { objectType: 'vault', operation: 'SecretList' }),
    ],
    callers: [
      {
        ip: '198.51.100.10',
        objectId: 'app-1',
        count: 50,
        firstSeen: '2026-11-22T08:00:00Z',
        lastSeen: '2026-11-28T10:00:00Z',
      },
      {
        ip: '192.0.2.44',
        upn: 'ops@contoso.com',
        count: 3,
        firstSeen: '2026-11-25T08:00:00Z',
        lastSeen: '2026-11-27T16:00:00Z',
      },
    ],
  },
});

export const torPlan = (): Plan => ({
  format: 1,
  alertId: torAlert().id,
  alertType: 'KV_TORAccess',
  vault: {
    resourceId: VAULT_ID,
    name: 'kv-prod',
    subscriptionId: '00000000-1111-2222-3333-444444444444',
    resourceGroup: 'rg-prod',
  },
  createdAt: '2026-11-29T11:05:00.000Z',
  maxAge: 'P7D',
  playbookSha256: 'b'.repeat(64),
  rules: ['tor-exit-node'],
  snapshot: {
    networkAcls: { defaultAction: 'Allow', bypass: 'AzureServices', ipRules: [], virtualNetworkRules: [] },
    accessPolicy: entry,
    roleAssignments: [],
    secrets: [
      { name: 'api-key', versionsRead: ['9f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e'] },
      { name: 'db-password', versionsRead: ['0a1b2c3d4e5f60718293a4b5c6d7e8f9'] },
      { name: 'storage-conn', versionsRead: ['77aa88bb99cc00dd11ee22ff33aa44bb'] },
    ],
  },
  actions: [
    {
      id: 'remediate-1-firewall',
      kind: 'firewall',
      gate: 'remediate',
      reason: 'rule tor-exit-node: deny by default, allow corp; kept: callers seen before the alert',
      params: {
        after: {
          defaultAction: 'Deny',
          bypass: 'AzureServices',
          ipRules: ['203.0.113.0/24', '198.51.100.10'],
          virtualNetworkRules: [],
        },
        added: ['203.0.113.0/24', '198.51.100.10'],
        removed: [],
        lockedOut: [{ ip: '192.0.2.44', count: 3, lastSeen: '2026-11-27T16:00:00Z' }],
        skipped: [{ value: '2001:db8::/32', reason: 'Key Vault firewall rules accept IPv4 only' }],
      },
    },
    {
      id: 'remediate-2-revoke-access',
      kind: 'revoke-access',
      gate: 'remediate',
      reason: "rule tor-exit-node: remove the principal's access-policy entry",
      params: { objectId: CALLER, mode: 'remove', accessPolicyAfter: null },
    },
    {
      id: 'rotate-3-rotate-secrets',
      kind: 'rotate-secrets',
      gate: 'rotate',
      reason: 'rule tor-exit-node: rotate the secrets the caller read',
      params: {
        secrets: [
          { name: 'api-key', compromisedVersions: ['9f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e'] },
          { name: 'db-password', compromisedVersions: ['0a1b2c3d4e5f60718293a4b5c6d7e8f9'] },
          { name: 'storage-conn', compromisedVersions: ['77aa88bb99cc00dd11ee22ff33aa44bb'], manual: true },
        ],
        disable: 'accessed-versions',
        generator: { length: 32, charset: 'alphanumeric' },
        allSecrets: false,
      },
    },
  ],
  notPlanned: [{ step: 'rotate-keys', rule: 'tor-exit-node', reason: 'the caller read no key in the window' }],
});

export function torInput(): ReportInput {
  const plan = torPlan();
  return {
    alert: torAlert(),
    findings: torFindings(),
    plan,
    planSha256: planHash(plan),
    match: {
      rules: [
        {
          name: 'tor-exit-node',
          matched: true,
          reasons: ['type == KV_TORAccess holds: actual "KV_TORAccess" (line 12)'],
        },
        {
          name: 'catch-all',
          matched: false,
          reasons: ["not reached: rule 'tor-exit-node' matched and does not continue"],
        },
      ],
      labels: ['security', 'tor'],
    },
    owners: { notify: ['@contoso/kv-owners', '@alice'], assign: ['alice'] },
    cloud: { portal: PORTAL },
    related: [{ number: 41, title: 'Unusual application accessed a key vault on kv-prod (KV_AppAnomaly)' }],
    runUrl: 'https://github.com/contoso/infra/actions/runs/123456789',
  };
}

/** A user caller (UPN) on an RBAC vault, with vault-scope and inherited role assignments. */
export function userInput(): ReportInput {
  const base = torInput();
  const upn = 'mallory@contoso.com';
  const objectId = '9c8b7a6d-0000-4000-8000-0000000000d4';
  const vaultScope: RoleAssignment = {
    id: `${VAULT_ID}/providers/Microsoft.Authorization/roleAssignments/11111111-aaaa-4000-8000-000000000001`,
    principalId: objectId,
    roleDefinitionId: '/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6',
    roleName: 'Key Vault Secrets User',
    scope: VAULT_ID,
  };
  const inherited: RoleAssignment = {
    id: '/subscriptions/00000000-1111-2222-3333-444444444444/providers/Microsoft.Authorization/roleAssignments/22222222-bbbb-4000-8000-000000000002',
    principalId: objectId,
    roleDefinitionId: '/providers/Microsoft.Authorization/roleDefinitions/b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
    roleName: 'Key Vault Secrets Officer',
    scope: '/subscriptions/00000000-1111-2222-3333-444444444444',
  };
  const alert: Alert = {
    ...base.alert,
    type: 'KV_UserAnomaly',
    displayName: 'Unusual user accessed a key vault',
    source: { ip: '20.61.146.97', objectId, upn, tenantId: '0f0f0f0f-0000-4000-8000-000000000099' },
  };
  const findings: Findings = {
    source: {
      kind: 'user',
      ip: {
        address: '20.61.146.97',
        classes: ['azure:AzureCloud.westeurope'],
        explanation:
          '20.61.146.97 is in Azure range AzureCloud.westeurope (20.61.0.0/16) — a Microsoft/Azure address does not make the caller yours.',
      },
      tenant: { alert: alert.source.tenantId!, vault: base.findings.source.vault!.tenantId, relation: 'different' },
      principal: { objectId, isSelf: false, roleAssignments: { vault: [vaultScope], inherited: [inherited] } },
      vault: { ...base.findings.source.vault!, enableRbacAuthorization: true, accessPolicies: [] },
      unavailable: [],
    },
    impact: {
      ...(base.findings.impact as Extract<Findings['impact'], { status: 'measured' }>),
      rows: [row('db-password', 'v1', 1)],
    },
  };
  const plan: Plan = {
    ...base.plan,
    alertType: alert.type,
    snapshot: {
      roleAssignments: [vaultScope],
      accessPolicy: null,
      secrets: [{ name: 'db-password', versionsRead: ['v1'] }],
    },
    actions: [
      {
        id: 'remediate-1-revoke-access',
        kind: 'revoke-access',
        gate: 'remediate',
        reason: 'rule unusual-user: remove the role assignments of the alert principal at the vault scope',
        params: { objectId, mode: 'remove', deleteRoleAssignments: [vaultScope] },
      },
    ],
    notPlanned: [
      { step: 'firewall', rule: 'unusual-user', reason: 'the vault firewall already has the planned rules' },
    ],
  };
  return { ...base, alert, findings, plan, planSha256: planHash(plan), related: [] };
}

/** A caller without object id, and no diagnostic settings: impact unknown, nothing to rotate. */
export function externalInput(): ReportInput {
  const base = torInput();
  const alert: Alert = {
    ...base.alert,
    type: 'KV_SuspiciousIPAccess',
    displayName: 'Access from a suspicious IP address to a key vault',
    source: { ip: '45.95.147.236' },
  };
  const findings: Findings = {
    source: {
      kind: 'external',
      ip: {
        address: '45.95.147.236',
        classes: ['unknown'],
        explanation: '45.95.147.236 is a public address: unknown source.',
      },
      tenant: { vault: base.findings.source.vault!.tenantId, relation: 'unknown' },
      vault: base.findings.source.vault!,
      unavailable: [
        { what: 'workspace', reason: 'the vault has no diagnostic settings sending AuditEvent to a workspace' },
      ],
    },
    impact: {
      status: 'unknown',
      reason: 'the vault has no diagnostic settings',
      timespan: { start: '2026-11-28T10:00:00Z', end: '2026-11-29T11:30:00Z' },
    },
  };
  const plan: Plan = {
    ...base.plan,
    alertType: alert.type,
    snapshot: { networkAcls: base.plan.snapshot.networkAcls! },
    actions: [
      {
        id: 'remediate-1-firewall',
        kind: 'firewall',
        gate: 'remediate',
        reason: 'rule suspicious-ip: deny by default, allow corp; kept: no caller history (impact unknown)',
        params: {
          after: {
            defaultAction: 'Deny',
            bypass: 'AzureServices',
            ipRules: ['203.0.113.0/24'],
            virtualNetworkRules: [],
          },
          added: ['203.0.113.0/24'],
          removed: [],
          lockedOut: [],
          skipped: [],
        },
      },
    ],
    notPlanned: [
      { step: 'revoke-access', rule: 'suspicious-ip', reason: 'the alert names no principal (object id) to revoke' },
      {
        step: 'rotate-secrets',
        rule: 'suspicious-ip',
        reason:
          'impact unknown (the vault has no diagnostic settings); only scope: all rotates without measured impact',
      },
    ],
  };
  return { ...base, alert, findings, plan, planSha256: planHash(plan) };
}

// Every alert- and Azure-sourced field carries this. Its last line is a forged plan hash line.
export const FAKE = 'f'.repeat(64);
export const H =
  '@octocat @my-org/team #123 GH-7 <img src=x onerror=alert(1)> <!-- hidden --> [l](https://evil.example) ' +
  '![i](https://evil.example/p.png) www.evil.example a|b ```x``` \u202Eevil\u202C\u2066 \u0000\u0007\u001b[31m ' +
  `kv-alert-playbook &#64;team\r\n# Heading\n- item\nPlan SHA-256: \`${FAKE}\``;

export function hostileInput(): ReportInput {
  const base = torInput();
  const hostileRow: ImpactRow = row(H, H, 5, { operation: H, result: H, firstSeen: H, lastSeen: H });
  const assignment = { id: H, principalId: H, roleDefinitionId: H, roleName: H, scope: H };
  const findings: Findings = {
    source: {
      kind: 'user',
      ip: { address: H, classes: [H], explanation: H },
      tenant: { alert: H, vault: H, relation: 'different' },
      principal: {
        objectId: H,
        isSelf: false,
        accessPolicy: {
          tenantId: H,
          objectId: H,
          permissions: { secrets: [H], keys: [H], certificates: [], storage: [] },
        },
        roleAssignments: { vault: [assignment], inherited: [assignment] },
      },
      vault: {
        ...base.findings.source.vault!,
        name: H,
        networkAcls: { defaultAction: 'Deny', bypass: 'None', ipRules: [H], virtualNetworkRules: [H] },
      },
      unavailable: [{ what: H, reason: H }],
    },
    impact: {
      status: 'measured',
      evidence: {
        workspaceId: H,
        query: `AzureDiagnostics\n${H}\n\`\`\`\n${planHashLine(FAKE)}\n~~~\n<!-- -->`,
        timespan: { start: H, end: H },
        rowCount: 1,
        resultSha256: H,
      },
      rows: [hostileRow, row('ok-secret', 'v1', 1)],
      callers: [{ ip: H, upn: H, objectId: H, appId: H, count: 1, firstSeen: H, lastSeen: H }],
      callersUnavailable: H,
    },
  };
  const plan: Plan = {
    ...base.plan,
    alertId: H,
    vault: { resourceId: H, name: H, subscriptionId: H, resourceGroup: H },
    createdAt: H,
    maxAge: H,
    rules: [H],
    snapshot: {
      networkAcls: findings.source.vault!.networkAcls,
      accessPolicy: findings.source.principal!.accessPolicy,
    },
    actions: [
      {
        id: H,
        kind: 'firewall',
        gate: 'remediate',
        reason: H,
        params: {
          after: { defaultAction: 'Deny', bypass: 'None', ipRules: [H], virtualNetworkRules: [H] },
          added: [H],
          removed: [H],
          lockedOut: [{ ip: H, count: 2, lastSeen: H }],
          skipped: [{ value: H, reason: H }],
        },
      },
      {
        id: 'remediate-2-revoke-access',
        kind: 'revoke-access',
        gate: 'remediate',
        reason: H,
        params: {
          objectId: H,
          mode: 'restrict',
          accessPolicyAfter: {
            tenantId: H,
            objectId: H,
            permissions: { secrets: [H], keys: [], certificates: [], storage: [] },
          },
        },
      },
      {
        id: 'remediate-3-revoke-access',
        kind: 'revoke-access',
        gate: 'remediate',
        reason: H,
        params: { objectId: H, mode: 'remove', deleteRoleAssignments: [assignment] },
      },
      {
        id: 'rotate-4-rotate-secrets',
        kind: 'rotate-secrets',
        gate: 'rotate',
        reason: H,
        params: {
          secrets: [{ name: H, compromisedVersions: [H], manual: true }],
          disable: 'accessed-versions',
          generator: { length: 32, charset: H as 'alphanumeric' },
          allSecrets: false,
        },
      },
      {
        id: 'rotate-5-delete-secrets',
        kind: 'delete-secrets',
        gate: 'rotate',
        reason: H,
        params: { secrets: [{ name: H }], allSecrets: false },
      },
      {
        id: 'rotate-6-rotate-keys',
        kind: 'rotate-keys',
        gate: 'rotate',
        reason: H,
        params: { keys: [{ name: H, compromisedVersions: [H] }], allKeys: false },
      },
      {
        id: 'rotate-7-rotate-certificates',
        kind: 'rotate-certificates',
        gate: 'rotate',
        reason: H,
        params: { certificates: [{ name: H }], allCertificates: false },
      },
    ],
    notPlanned: [{ step: H, rule: H, reason: H }],
  };
  return {
    ...base,
    alert: {
      ...base.alert,
      id: H,
      displayName: H,
      status: H,
      startTime: H,
      endTime: H,
      vault: { name: H, resourceId: H, subscriptionId: H, resourceGroup: H },
      source: { ip: H, objectId: H, upn: H, appId: H, tenantId: H, userAgent: H },
      operations: [{ name: H, count: 3 }],
      targets: [H],
    },
    findings,
    plan,
    planSha256: planHash(plan),
    match: { rules: [{ name: H, matched: true, reasons: [H] }], labels: [H, 'team,ops'] },
    owners: { notify: ['@contoso/kv-owners', H], assign: [] },
    related: [{ number: 7, title: H }],
    runUrl: 'https://evil.example/x)](javascript:alert(1))',
  };
}

// ---- what "inert" means -------------------------------------------------------------------------------------

/** Controls (other than line feed), bidi controls and marks, BOM: none may reach a body. */
// eslint-disable-next-line no-control-regex
export const INVISIBLE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/;

const ALLOWED_TAGS = new Set(['<details>', '<summary>', '</summary>', '</details>']);

/** Removes code spans from one line of prose (backslash-escaped backticks do not open a span). */
function withoutCodeSpans(line: string): string {
  let out = '';
  let i = 0;
  while (i < line.length) {
    if (line[i] === '\\' && i + 1 < line.length) {
      out += line.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (line[i] === '`') {
      const run = /^`+/.exec(line.slice(i))![0];
      const close = line.slice(i + run.length).search(new RegExp(`(?<!\`)${run}(?!\`)`));
      if (close >= 0) {
        out += 'CODE';
        i += run.length + close + run.length;
        continue;
      }
      out += run;
      i += run.length;
      continue;
    }
    out += line[i];
    i += 1;
  }
  return out;
}

/** What a reader sees in a prose line (approximately): code spans gone, escapes and our entities decoded. */
function rendered(line: string): string {
  return withoutCodeSpans(line)
    .replace(/\\(.)/g, '$1')
    .replace(/&#8203;/g, '\u200B')
    .replace(/&lt;/g, '‹')
    .replace(/&gt;/g, '›')
    .replace(/&amp;/g, '&');
}

export interface InertOptions {
  /** Link destinations we write ourselves. */
  links: string[];
  /** Line starts we wrote that mention or reference on purpose (the Notified line, related incidents): removed first. */
  trustedPrefixes?: RegExp[];
}

/** Asserts a body holds no active markup from untrusted text. */
export function expectInert(body: string, options: InertOptions): void {
  expect(body).not.toMatch(/<!--|-->/);
  expect(body).not.toMatch(/kv-alert-playbook/i);
  expect(body).not.toMatch(INVISIBLE);
  for (const whole of linesOutsideCode(body)) {
    const raw = (options.trustedPrefixes ?? []).reduce((line, re) => line.replace(re, ''), whole);
    // Markup needs an unescaped character outside code: spans removed, escaped characters neutralised.
    const plain = withoutCodeSpans(raw).replace(/\\./g, 'E');
    for (const m of plain.matchAll(/\]\(([^)]*)\)/g)) expect(options.links, raw).toContain(m[1]);
    expect(plain, raw).not.toMatch(/!\[/);
    for (const tag of plain.match(/<[^>]*>?/g) ?? []) expect(ALLOWED_TAGS.has(tag), `tag ${tag} in ${raw}`).toBe(true);
    const text = rendered(options.links.reduce((line, link) => line.split(`](${link})`).join(']()'), raw));
    expect(text, raw).not.toMatch(/(?:^|\W)@[A-Za-z0-9]/);
    expect(text, raw).not.toMatch(/#\d|\bGH-\d/i);
    expect(text, raw).not.toMatch(/:\/\/|www\./i);
  }
}

/** The GFM tables of a body (outside code): each as rows of cell counts, header first. */
export function tables(body: string): { header: string; cells: number[] }[] {
  const found: { header: string; cells: number[] }[] = [];
  let current: { header: string; cells: number[] } | undefined;
  for (const line of linesOutsideCode(body)) {
    if (!line.startsWith('|')) {
      current = undefined;
      continue;
    }
    const cells = line.replace(/\\./g, 'x').split('|').length - 2;
    if (!current) {
      current = { header: line, cells: [] };
      found.push(current);
    }
    current.cells.push(cells);
  }
  return found;
}
