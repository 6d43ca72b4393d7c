// The Plan section: per gate, what each action changes (before → after), what was not planned and why, the plan
// hash line the gated job checks, and the plan itself as JSON.
import type { Findings } from '../findings/types.js';
import { canonicalJson } from '../plan/canonical.js';
import type { NetworkRules } from '../plan/firewall.js';
import type { FirewallAction, Plan, PlanAction, RevokeAccessAction, SecretTarget } from '../plan/types.js';
import { GATES, type Gate } from '../steps/types.js';
import { bounded, boundedTable, type Budgets } from './budget.js';
import { code, codeBlock, inline, literal, table, type Markdown } from './markdown.js';
import { planHashLine } from './plan-hash.js';
import { permissionList, roleAssignmentTable } from './source.js';
import { plural } from './words.js';

const TITLES: Record<PlanAction['kind'], string> = {
  firewall: 'Turn on the vault firewall',
  'revoke-access': "Revoke the caller's access",
  'rotate-secrets': 'Rotate secrets',
  'disable-secrets': 'Disable secret versions',
  'delete-secrets': 'Soft-delete secrets',
  'rotate-keys': 'Rotate keys',
  'rotate-certificates': 'Renew certificates',
};

const GATE_TEXT: Record<Gate, string> = {
  remediate: 'Contain the caller. Applied by the `remediate` job after its environment is approved.',
  rotate: 'Replace what the caller could have copied. Applied by the `rotate` job after its environment is approved.',
};

/**
 * The plan as pretty JSON that parses back to exactly the plan, in printable ASCII with `<`, `>` and our marker
 * prefix escaped: a code block then has nothing to clean or break, so what the reviewer reads is the plan.
 */
export function planJson(plan: Plan): string {
  const hex = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  return JSON.stringify(JSON.parse(canonicalJson(plan)), null, 2)
    .replace(/[^\x20-\x7e\n]|[<>]/g, hex)
    .replace(/kv-alert-playbook/gi, (m) => `${hex(m)}${m.slice(1)}`);
}

function codes(values: readonly string[], budgets: Budgets, noun: string): string {
  if (values.length === 0) return 'none';
  const shown = bounded(values, (v) => code(v, { max: 60 }), budgets.list);
  const more = shown.length < values.length ? ` and ${values.length - shown.length} more ${noun}` : '';
  return `${shown.join(', ')}${more}`;
}

function rulesCell(rules: NetworkRules | undefined, pick: (r: NetworkRules) => string | number): Markdown {
  return rules ? inline(String(pick(rules))) : literal('unknown');
}

function firewallLines(action: FirewallAction, before: NetworkRules | undefined, findings: Findings, budgets: Budgets) {
  const { after, added, removed, lockedOut, skipped } = action.params;
  const lines = [
    table(
      ['Setting', 'Before', 'After'],
      [
        [literal('Default action'), rulesCell(before, (r) => r.defaultAction), inline(after.defaultAction)],
        [literal('Trusted Azure services bypass'), rulesCell(before, (r) => r.bypass), inline(after.bypass)],
        [literal('IP rules'), rulesCell(before, (r) => r.ipRules.length), after.ipRules.length],
        [
          literal('Virtual network rules'),
          rulesCell(before, (r) => r.virtualNetworkRules.length),
          after.virtualNetworkRules.length,
        ],
      ],
    ),
    '',
    `- **IP rules added:** ${codes(added, budgets, 'rules')}`,
    `- **IP rules removed:** ${codes(removed, budgets, 'rules')}`,
  ];
  if (skipped.length) {
    const shown = bounded(
      skipped,
      (s) => `${code(s.value, { max: 60 })} (${inline(s.reason, { max: 200 })})`,
      budgets.list,
    );
    const more = shown.length < skipped.length ? ` and ${skipped.length - shown.length} more` : '';
    lines.push(`- **Ranges not added:** ${shown.join('; ')}${more}`);
  }
  lines.push('');
  if (lockedOut.length) {
    lines.push(
      `**Lock-out guard: ${plural(lockedOut.length, 'caller')} seen in the look-back window would be cut off.** Check with them before approving, or add their networks to the playbook.`,
      '',
      ...boundedTable(
        ['IP address', 'Requests', 'Last seen'],
        lockedOut,
        (c) => [code(c.ip, { table: true, max: 60 }), c.count, inline(c.lastSeen, { max: 40 })],
        budgets.list,
        budgets,
        'callers',
      ),
    );
  } else if (findings.impact?.status === 'measured' && !findings.impact.callersUnavailable) {
    lines.push('**Lock-out guard:** no caller seen in the look-back window would be cut off.');
  } else {
    lines.push(
      "**Lock-out guard: the vault's recent callers are unknown**, so nobody could be checked. Every caller outside the new allow-list will be cut off; confirm with the vault's users before approving.",
    );
  }
  return lines;
}

function revokeLines(action: RevokeAccessAction, plan: Plan, findings: Findings, budgets: Budgets): string[] {
  const p = action.params;
  const lines: string[] = [];
  if (p.deleteRoleAssignments) {
    lines.push(
      `Delete ${plural(p.deleteRoleAssignments.length, 'role assignment')} of object id ${code(p.objectId)} at the vault scope:`,
      '',
      roleAssignmentTable(p.deleteRoleAssignments, budgets),
    );
  } else {
    const before = plan.snapshot.accessPolicy;
    if (p.accessPolicyAfter === null) {
      lines.push(`Remove the access-policy entry of object id ${code(p.objectId)}.`);
    } else {
      lines.push(`Restrict the access-policy entry of object id ${code(p.objectId)}.`);
    }
    const after = p.accessPolicyAfter;
    lines.push(
      '',
      table(
        ['Permissions', 'Before', 'After'],
        (['secrets', 'keys', 'certificates', 'storage'] as const).map((k) => [
          literal(k),
          literal(before ? permissionList(before.permissions[k]) : 'no entry'),
          literal(after ? permissionList(after.permissions[k]) : 'entry removed'),
        ]),
      ),
    );
  }
  const inherited = findings.source.principal?.roleAssignments.inherited.length ?? 0;
  if (inherited) {
    lines.push(
      '',
      `_Not changed here: ${plural(inherited, 'inherited role assignment')}; only the administrators of their scope can remove them (see the checklist)._`,
    );
  }
  return lines;
}

/** Versions in one table cell, within a small budget of their own. */
function versionsCell(versions: readonly string[]): Markdown {
  if (versions.length === 0) return literal('none known');
  const shown = bounded(versions, (v) => code(v, { table: true, max: 60 }), 600);
  const more = shown.length < versions.length ? ` and ${versions.length - shown.length} more` : '';
  return literal(`${shown.join(', ')}${more}`);
}

function secretsTable(secrets: readonly SecretTarget[], versionsHeader: string, budgets: Budgets): string[] {
  return boundedTable(
    ['Secret', versionsHeader, 'Note'],
    secrets,
    (s) => [
      code(s.name, { table: true, max: 120 }),
      versionsCell(s.compromisedVersions),
      literal(s.manual ? 'issued elsewhere: rotate it at the source too (checklist)' : ''),
    ],
    budgets.list,
    budgets,
    'secrets',
  );
}

const DISABLE_TEXT = {
  'accessed-versions': 'then the versions the caller read are disabled',
  'all-previous': 'then every previous version is disabled',
  none: 'no old version is disabled',
} as const;

function actionLines(action: PlanAction, plan: Plan, findings: Findings, budgets: Budgets): string[] {
  switch (action.kind) {
    case 'firewall':
      return firewallLines(action, plan.snapshot.networkAcls, findings, budgets);
    case 'revoke-access':
      return revokeLines(action, plan, findings, budgets);
    case 'rotate-secrets': {
      const p = action.params;
      const how = `A new version with a generated value (${p.generator.length} characters, ${inline(p.generator.charset)}) is set, ${DISABLE_TEXT[p.disable]}; nothing is purged.`;
      if (p.allSecrets) return [`Every secret in the vault (the rotate job lists them when it runs). ${how}`];
      return [how, '', ...secretsTable(p.secrets, 'Versions to disable', budgets)];
    }
    case 'disable-secrets':
      if (action.params.allSecrets)
        return ['Every enabled version of every secret in the vault is disabled (never purged).'];
      return [
        'These versions are disabled (never purged):',
        '',
        ...secretsTable(action.params.secrets, 'Versions', budgets),
      ];
    case 'delete-secrets': {
      if (action.params.allSecrets) return ['Every secret in the vault is soft-deleted (recoverable; never purged).'];
      const names = action.params.secrets.map((s) => s.name);
      return [`Soft-delete (recoverable; never purged): ${codes(names, budgets, 'secrets')}`];
    }
    case 'rotate-keys': {
      if (action.params.allKeys) return ['Every key in the vault gets a new version.'];
      const keys = action.params.keys.map((k) => ({ name: k.name, compromisedVersions: k.compromisedVersions }));
      return ['A new version of each key is created:', '', ...secretsTable(keys, 'Versions used', budgets)];
    }
    case 'rotate-certificates': {
      if (action.params.allCertificates) return ['Every certificate in the vault is renewed.'];
      return [
        `Renewed: ${codes(
          action.params.certificates.map((c) => c.name),
          budgets,
          'certificates',
        )}`,
      ];
    }
  }
}

function notPlannedLines(plan: Plan, budgets: Budgets): string[] {
  if (plan.notPlanned.length === 0) return [];
  return [
    '### Not planned',
    '',
    'Steps the playbook asked for that will not run, and why:',
    '',
    ...boundedTable(
      ['Step', 'Rule', 'Reason'],
      plan.notPlanned,
      (n) => [inline(n.step, { max: 60 }), inline(n.rule, { max: 80 }), inline(n.reason, { max: 400 })],
      budgets.list,
      budgets,
      'steps',
    ),
    '',
  ];
}

export function renderPlan(plan: Plan, planSha256: string, findings: Findings, budgets: Budgets): string {
  const json = planJson(plan);
  const lines = [
    '## Plan',
    '',
    planHashLine(planSha256),
    '',
    `Created ${inline(plan.createdAt, { max: 40 })}, valid for ${inline(plan.maxAge, { max: 40 })}. A gate applies only a plan with exactly this hash, and refuses when the vault changed since (drift).`,
    '',
  ];
  for (const gate of GATES) {
    const actions = plan.actions.filter((a) => a.gate === gate);
    lines.push(`### Gate \`${gate}\``, '', GATE_TEXT[gate], '');
    if (actions.length === 0) lines.push('_Nothing planned for this gate._', '');
    for (const action of actions) {
      lines.push(
        `#### ${TITLES[action.kind]} (${code(action.id, { max: 80 })})`,
        '',
        `_Why:_ ${inline(action.reason, { max: 400 })}`,
        '',
        ...actionLines(action, plan, findings, budgets),
        '',
      );
    }
  }
  lines.push(
    ...notPlannedLines(plan, budgets),
    `<details><summary>The plan as JSON (${json.length > budgets.codeBlock ? "cut here: the triage job's plan output has all of it" : 'parse it and hash its canonical form to check the SHA-256'})</summary>`,
    '',
    codeBlock(json, 'json', { max: budgets.codeBlock }),
    '',
    '</details>',
  );
  return lines.join('\n');
}
