// The Source section: who called the vault, from where, what access they hold, and what could not be checked.
import type { Alert } from '../alert/types.js';
import type { AccessPolicyEntry, CallerKind, RoleAssignment, SourceFindings } from '../findings/types.js';
import type { NetworkRules } from '../plan/firewall.js';
import { bounded, boundedTable, leftOut, type Budgets } from './budget.js';
import { code, inline, type Markdown } from './markdown.js';

const KIND: Record<CallerKind, string> = {
  user: 'a user (the alert names a UPN)',
  app: 'an application or managed identity (object id, no UPN)',
  external: 'a caller with no Entra object id: outside the directory, or not authenticated',
};

function callerKindText(kind: CallerKind): string {
  return KIND[kind];
}

/** The caller's best identifier as inline markdown: UPN, object id, app id, then IP. */
export function callerName(alert: Alert): string {
  const s = alert.source;
  if (s.upn) return `user ${code(s.upn)}`;
  if (s.objectId) return `object id ${code(s.objectId)}`;
  if (s.appId) return `application id ${code(s.appId)}`;
  if (s.ip) return `IP address ${code(s.ip)}`;
  return 'an unidentified caller';
}

const PERMISSION_KINDS = ['secrets', 'keys', 'certificates', 'storage'] as const;

export function permissionList(names: readonly string[]): string {
  return names.length ? names.map((p) => inline(p, { max: 60 })).join(', ') : 'none';
}

function permissionsText(entry: AccessPolicyEntry): string {
  return PERMISSION_KINDS.map((k) => `${k}: ${permissionList(entry.permissions[k])}`).join('; ');
}

function roleName(a: RoleAssignment): Markdown {
  return inline(a.roleName ?? a.roleDefinitionId.split('/').at(-1) ?? a.roleDefinitionId, { max: 120 });
}

/** Role assignments as a table (within the list budget). */
export function roleAssignmentTable(assignments: readonly RoleAssignment[], budgets: Budgets): string {
  return boundedTable(
    ['Role', 'Scope', 'Assignment id'],
    assignments,
    (a) => [roleName(a), code(a.scope, { table: true, max: 300 }), code(a.id, { table: true, max: 300 })],
    budgets.list,
    budgets,
    'role assignments',
  ).join('\n');
}

/** The vault firewall in one line, plus its IP rules within the budget. */
function firewallText(rules: NetworkRules, budgets: Budgets): string {
  const state =
    rules.defaultAction === 'Allow'
      ? 'off: default action **Allow**, any network reaches the vault'
      : `on: default action **Deny**, ${rules.ipRules.length} IP rules, ${rules.virtualNetworkRules.length} virtual network rules`;
  const ipRules = bounded(rules.ipRules, (r) => code(r, { max: 60 }), budgets.list);
  const listed = ipRules.length ? `; IP rules: ${ipRules.join(', ')}` : '';
  const more = ipRules.length < rules.ipRules.length ? ` (${rules.ipRules.length - ipRules.length} more)` : '';
  return `${state}; trusted Azure services bypass: ${inline(rules.bypass)}${listed}${more}`;
}

function tenantText(tenant: SourceFindings['tenant']): string {
  const ids = [
    tenant.alert ? `caller tenant ${code(tenant.alert)}` : 'the alert names no tenant',
    tenant.vault ? `vault tenant ${code(tenant.vault)}` : "the vault's tenant is unknown",
  ].join(', ');
  switch (tenant.relation) {
    case 'same':
      return `same tenant as the vault (${ids})`;
    case 'different':
      return `**a different tenant from the vault's** (${ids}): a guest, a multi-tenant application or an outside directory`;
    case 'unknown':
      return `unknown (${ids})`;
  }
}

function principalLines(source: SourceFindings, budgets: Budgets): string[] {
  const p = source.principal;
  if (!p) {
    return [
      source.vault
        ? '- **Access on the vault:** not looked up (the alert names no object id)'
        : '- **Access on the vault:** unknown (the vault could not be read)',
    ];
  }
  const lines: string[] = [];
  if (p.isSelf) lines.push('- **This is the identity the action runs as:** it is never planned for removal.');
  if (source.vault?.enableRbacAuthorization === false || p.accessPolicy) {
    lines.push(
      p.accessPolicy
        ? `- **Access-policy entry:** ${permissionsText(p.accessPolicy)}`
        : '- **Access-policy entry:** none for this object id',
    );
  }
  const { vault, inherited } = p.roleAssignments;
  if (vault.length) {
    lines.push(
      `- **Role assignments at the vault scope** (${vault.length}):`,
      '',
      roleAssignmentTable(vault, budgets),
      '',
    );
  } else {
    lines.push('- **Role assignments at the vault scope:** none');
  }
  if (inherited.length) {
    lines.push(
      `- **Inherited role assignments** (resource group or subscription scope; not changed by this action, ${inherited.length}):`,
      '',
      roleAssignmentTable(inherited, budgets),
      '',
    );
  }
  return lines;
}

export function renderSource(alert: Alert, source: SourceFindings, budgets: Budgets): string {
  const s = alert.source;
  const ip = source.ip
    ? `${code(source.ip.address, { max: 60 })} (${source.ip.classes.map((c) => inline(c, { max: 80 })).join(', ')}): ${inline(source.ip.explanation, { max: 600 })}`
    : 'not named by the alert';
  const ids = [
    `- **Caller kind:** ${callerKindText(source.kind)}`,
    `- **IP address:** ${ip}`,
    s.upn ? `- **UPN:** ${code(s.upn)}` : '',
    s.objectId ? `- **Object id:** ${code(s.objectId)}` : '- **Object id:** not named by the alert',
    s.appId ? `- **Application id:** ${code(s.appId)}` : '',
    s.userAgent ? `- **User agent:** ${code(s.userAgent, { max: 300 })}` : '',
    `- **Tenant:** ${tenantText(source.tenant)}`,
  ].filter(Boolean);
  const vault = source.vault
    ? [
        `- **Vault firewall:** ${firewallText(source.vault.networkAcls, budgets)}`,
        `- **Permission model:** ${source.vault.enableRbacAuthorization ? 'Azure RBAC' : 'access policies'}; soft delete ${source.vault.softDeleteEnabled ? 'on' : '**off**'}`,
      ]
    : ['- **Vault firewall:** unknown (the vault could not be read)'];
  const unavailable = bounded(
    source.unavailable,
    (u) => `- ${inline(u.what, { max: 80 })}: ${inline(u.reason, { max: 400 })}`,
    budgets.list,
  );
  const notChecked = unavailable.length
    ? [
        '',
        '**Not checked:**',
        '',
        ...unavailable,
        ...leftOut(unavailable.length, source.unavailable.length, budgets, 'items'),
      ]
    : [];
  return [
    '## Source',
    '',
    ...ids,
    ...principalLines(source, budgets),
    ...vault,
    ...notChecked,
    '',
    '_A Microsoft or Azure address does not make the caller ours, and a familiar caller is no proof: confirm with the owner._',
  ].join('\n');
}
