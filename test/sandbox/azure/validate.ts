// Checks the `azure` part of a scenario when the fake starts, so a typo in a scenario file fails with the
// path of the bad value instead of surfacing later as a puzzling 403 or an empty query result.
import { parseCidr, parseIp } from '../../../src/net/ip.js';
import { ROLES } from './roles.js';
import type { AzureScenario } from './scenario.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const VERSION = /^[0-9a-f]{32}$/;
const VAULT_NAME = /^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/;
const OBJECT_NAME = /^[0-9a-zA-Z-]{1,127}$/;

/** Every problem found, as `azure.<path>: <what>`; empty when the scenario is usable. */
export function scenarioProblems(s: AzureScenario): string[] {
  const problems: string[] = [];
  const bad = (path: string, what: string) => problems.push(`azure.${path}: ${what}`);
  const guid = (path: string, value: unknown) => {
    if (typeof value !== 'string' || !GUID.test(value)) bad(path, `must be a GUID, got ${JSON.stringify(value)}`);
  };
  const time = (path: string, value: unknown) => {
    if (value !== undefined && (typeof value !== 'string' || Number.isNaN(Date.parse(value)))) {
      bad(path, `must be an ISO 8601 time, got ${JSON.stringify(value)}`);
    }
  };
  const unique = (path: string, values: string[]) => {
    const seen = new Set<string>();
    for (const v of values.map((x) => x.toLowerCase())) {
      if (seen.has(v)) bad(path, `${v} appears twice`);
      seen.add(v);
    }
  };

  guid('tenantId', s.tenantId);
  guid('subscriptionId', s.subscriptionId);
  if (s.defaultClientAddress !== undefined && !parseIp(s.defaultClientAddress)) {
    bad('defaultClientAddress', 'must be an IP address');
  }

  const identities = s.identities ?? [];
  identities.forEach((i, n) => {
    const at = `identities[${n}]`;
    guid(`${at}.objectId`, i.objectId);
    if (i.kind !== 'user' && i.kind !== 'app') bad(`${at}.kind`, 'must be "user" or "app"');
    if (i.kind === 'app') guid(`${at}.appId`, i.appId);
    if (i.clientAddress !== undefined && !parseIp(i.clientAddress)) bad(`${at}.clientAddress`, 'must be an IP address');
    (i.federatedCredentials ?? []).forEach((f, k) => {
      if (typeof f.subject !== 'string' || f.subject === '')
        bad(`${at}.federatedCredentials[${k}].subject`, 'is required');
    });
  });
  unique(
    'identities (objectId)',
    identities.map((i) => i.objectId),
  );
  unique(
    'identities (appId)',
    identities.flatMap((i) => (i.appId ? [i.appId] : [])),
  );

  (s.roleAssignments ?? []).forEach((r, n) => {
    const at = `roleAssignments[${n}]`;
    guid(`${at}.principalId`, r.principalId);
    if (!(r.role in ROLES))
      bad(`${at}.role`, `unknown role ${JSON.stringify(r.role)} (known: ${Object.keys(ROLES).join(', ')})`);
    if (typeof r.scope !== 'string' || !/^\/subscriptions\/[^/]+/i.test(r.scope))
      bad(`${at}.scope`, 'must start with /subscriptions/<id>');
    if (r.name !== undefined) guid(`${at}.name`, r.name);
  });

  const workspaces = s.workspaces ?? [];
  const workspaceIds = workspaces.map((w) =>
    `/subscriptions/${w.subscriptionId ?? s.subscriptionId}/resourceGroups/${w.resourceGroup}/providers/Microsoft.OperationalInsights/workspaces/${w.name}`.toLowerCase(),
  );
  workspaces.forEach((w, n) => {
    const at = `workspaces[${n}]`;
    guid(`${at}.customerId`, w.customerId);
    for (const t of w.tables ?? []) {
      if (t !== 'AzureDiagnostics' && t !== 'AZKVAuditLogs') bad(`${at}.tables`, `unknown table ${JSON.stringify(t)}`);
    }
    (w.records ?? []).forEach((r, k) => {
      const rat = `${at}.records[${k}]`;
      time(`${rat}.time`, r.time);
      if (typeof r.time !== 'string') bad(`${rat}.time`, 'is required');
      if (typeof r.resourceId !== 'string' || !r.resourceId.startsWith('/'))
        bad(`${rat}.resourceId`, 'must be an ARM id');
      if (typeof r.operationName !== 'string') bad(`${rat}.operationName`, 'is required');
      if (typeof r.properties?.httpStatusCode !== 'number') bad(`${rat}.properties.httpStatusCode`, 'must be a number');
      if (typeof r.identity !== 'object' || r.identity === null)
        bad(`${rat}.identity`, 'must be an object ({} when anonymous)');
    });
  });
  unique(
    'workspaces (customerId)',
    workspaces.map((w) => w.customerId),
  );

  const vaults = s.vaults ?? [];
  vaults.forEach((v, n) => {
    const at = `vaults[${n}]`;
    if (typeof v.name !== 'string' || !VAULT_NAME.test(v.name))
      bad(`${at}.name`, 'must be a valid vault name (3-24 letters, digits, hyphens)');
    if (typeof v.resourceGroup !== 'string' || v.resourceGroup === '') bad(`${at}.resourceGroup`, 'is required');
    const lag = v.deletedSecretLagPolls;
    if (lag !== undefined && !(Number.isInteger(lag) && lag >= 0))
      bad(`${at}.deletedSecretLagPolls`, 'must be a whole number ≥ 0');
    (v.networkAcls?.ipRules ?? []).forEach((r, k) => {
      if (!parseCidr(r.value))
        bad(`${at}.networkAcls.ipRules[${k}].value`, `not an IP or CIDR: ${JSON.stringify(r.value)}`);
    });
    (v.accessPolicies ?? []).forEach((p, k) => guid(`${at}.accessPolicies[${k}].objectId`, p.objectId));
    const objects = [
      ...(v.secrets ?? []).map((o) => ({ kind: 'secrets', ...o })),
      ...(v.keys ?? []).map((o) => ({ kind: 'keys', ...o })),
      ...(v.certificates ?? []).map((o) => ({ kind: 'certificates', ...o })),
    ];
    for (const o of objects) {
      const oat = `${at}.${o.kind}[${o.name}]`;
      if (typeof o.name !== 'string' || !OBJECT_NAME.test(o.name)) bad(oat, 'invalid object name');
      if (!Array.isArray(o.versions) || o.versions.length === 0) bad(`${oat}.versions`, 'needs at least one version');
      (o.versions ?? []).forEach((x, k) => {
        if (x.version !== undefined && !VERSION.test(x.version))
          bad(`${oat}.versions[${k}].version`, 'must be 32 lower-case hex digits');
        time(`${oat}.versions[${k}].created`, x.created);
        time(`${oat}.versions[${k}].expires`, x.expires);
        if (o.kind === 'secrets' && typeof (x as { value?: unknown }).value !== 'string')
          bad(`${oat}.versions[${k}].value`, 'must be a string');
      });
      unique(
        `${oat}.versions`,
        (o.versions ?? []).flatMap((x) => (x.version ? [x.version] : [])),
      );
    }
    unique(
      `${at}.secrets`,
      (v.secrets ?? []).map((o) => o.name),
    );
    (v.diagnosticSettings ?? []).forEach((d, k) => {
      if (!workspaceIds.includes(String(d.workspaceResourceId).toLowerCase())) {
        bad(
          `${at}.diagnosticSettings[${k}].workspaceResourceId`,
          `names no workspace of the scenario: ${d.workspaceResourceId}`,
        );
      }
    });
  });
  unique(
    'vaults (name)',
    vaults.map((v) => v.name),
  );

  (s.alerts ?? []).forEach((a, n) => {
    const at = `alerts[${n}]`;
    if (typeof a.name !== 'string' || a.name === '') bad(`${at}.name`, 'is required');
    if (typeof a.location !== 'string' || a.location === '') bad(`${at}.location`, 'is required');
    if (typeof a.properties !== 'object' || a.properties === null) bad(`${at}.properties`, 'must be an object');
  });
  return problems;
}
