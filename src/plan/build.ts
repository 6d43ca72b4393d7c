// Builds the plan from the matched steps and the findings. Pure: same inputs, same plan (and hash).
// An enrichment that failed never feeds a change: the step is listed under notPlanned with the reason.
import type { Alert } from '../alert/types.js';
import type { AccessPolicyEntry, Findings, ImpactRow } from '../findings/types.js';
import type { Rule, Step } from '../playbook/types.js';
import type { Selection } from '../steps/selection.js';
import { planFirewall, type RecentCaller } from './firewall.js';
import { PLAN_FORMAT, type Plan, type PlanAction, type PlanSnapshot, type SecretTarget } from './types.js';

export interface PlanInputs {
  alert: Alert;
  /** Matched rules, in order, and their deduplicated steps (MatchResult.matched / .steps). */
  rules: Rule[];
  steps: Step[];
  findings: Findings;
  playbookSha256: string;
  maxAge: string;
  /** ISO 8601 UTC. */
  now: string;
}

type Planned = { action: Omit<PlanAction, 'id'> } | { skip: string };

const sameId = (a: string | undefined, b: string | undefined) =>
  a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

/** Successful reads by the caller, per object name, with the versions read (ordered, no repeats). */
function accessedObjects(rows: ImpactRow[], type: ImpactRow['objectType']): Map<string, string[]> {
  const objects = new Map<string, string[]>();
  for (const row of rows) {
    if (row.objectType !== type || !row.objectName || !/Get$/.test(row.operation)) continue;
    if (!(row.result === 'OK' || row.result === 'Success')) continue;
    const versions = objects.get(row.objectName) ?? [];
    if (row.objectVersion && !versions.includes(row.objectVersion)) versions.push(row.objectVersion);
    objects.set(row.objectName, versions);
  }
  return new Map([...objects].sort(([a], [b]) => a.localeCompare(b)));
}

type Selected = { targets: { name: string; versions: string[] }[]; all: boolean } | { skip: string };

/** Resolves a selection against the impact findings; scope accessed needs measured impact. */
function select(selection: Selection, findings: Findings, type: ImpactRow['objectType']): Selected {
  if (selection.scope === 'all') return { targets: [], all: true };
  const impact = findings.impact;
  const accessed = impact?.status === 'measured' ? accessedObjects(impact.rows, type) : undefined;
  if (selection.scope === 'listed') {
    return { targets: selection.names.map((name) => ({ name, versions: accessed?.get(name) ?? [] })), all: false };
  }
  if (!impact) return { skip: 'scope accessed needs a measure-impact step in the rule' };
  if (impact.status === 'unknown') {
    return { skip: `impact unknown (${impact.reason}); only scope: all rotates without measured impact` };
  }
  if (accessed!.size === 0) return { skip: `the caller read no ${type} in the window` };
  return { targets: [...accessed!].map(([name, versions]) => ({ name, versions })), all: false };
}

function recentCallers(findings: Findings, alert: Alert): RecentCaller[] {
  const impact = findings.impact;
  if (impact?.status !== 'measured') return [];
  const byIp = new Map<string, RecentCaller>();
  for (const c of impact.callers) {
    if (!c.ip || c.ip === alert.source.ip || sameId(c.objectId, alert.source.objectId)) continue;
    const seen = byIp.get(c.ip);
    byIp.set(c.ip, {
      ip: c.ip,
      count: (seen?.count ?? 0) + c.count,
      lastSeen: seen && seen.lastSeen > c.lastSeen ? seen.lastSeen : c.lastSeen,
    });
  }
  return [...byIp.values()].sort((a, b) => b.count - a.count || a.ip.localeCompare(b.ip));
}

function restrict(entry: AccessPolicyEntry, keep: { secrets: string[]; keys: string[]; certificates: string[] }) {
  const only = (have: string[], kept: string[]) => have.filter((p) => kept.includes(p));
  return {
    ...entry,
    permissions: {
      secrets: only(entry.permissions.secrets, keep.secrets),
      keys: only(entry.permissions.keys, keep.keys),
      certificates: only(entry.permissions.certificates, keep.certificates),
      storage: [],
    },
  };
}

function planStep(step: Step, rule: string, inputs: PlanInputs): Planned | undefined {
  const { findings, alert } = inputs;
  const vault = findings.source.vault;
  const reason = (why: string) => `rule ${rule}: ${why}`;
  switch (step.kind) {
    case 'identify-source':
    case 'measure-impact':
    case 'notify':
      return undefined;
    case 'firewall': {
      if (!vault) return { skip: 'the vault state could not be read' };
      const p = step.params;
      const callers = recentCallers(findings, alert);
      const fw = planFirewall({
        current: vault.networkAcls,
        ...(alert.source.ip ? { suspiciousIp: alert.source.ip } : {}),
        allow: p.allow.flatMap((n) => n.ranges),
        recentCallers: callers,
        keepKnownCallers: p.keepKnownCallers,
        bypass: p.bypass,
      });
      if (p.defaultAction === 'Allow') fw.after.defaultAction = 'Allow';
      if (JSON.stringify(fw.after) === JSON.stringify(vault.networkAcls)) {
        return { skip: 'the vault firewall already has the planned rules' };
      }
      const known =
        findings.impact?.status === 'measured' ? 'callers seen before the alert' : 'no caller history (impact unknown)';
      return {
        action: {
          kind: 'firewall',
          gate: 'remediate',
          params: fw,
          reason: reason(
            `deny by default, allow ${p.allow.map((n) => n.name).join(', ') || 'no extra network'}; kept: ${known}`,
          ),
        },
      };
    }
    case 'revoke-access': {
      const principal = findings.source.principal;
      if (!principal) return { skip: 'the alert names no principal (object id) to revoke' };
      if (principal.isSelf) return { skip: "the principal is the action's own identity; it is never revoked" };
      if (!vault) return { skip: 'the vault state could not be read' };
      const p = step.params;
      if (vault.enableRbacAuthorization) {
        if (p.mode === 'restrict')
          return { skip: 'mode restrict applies to access policies; this vault uses Azure RBAC' };
        if (principal.roleAssignments.vault.length === 0) {
          return {
            skip: 'the principal has no role assignment at the vault scope (inherited ones are listed for admins)',
          };
        }
        return {
          action: {
            kind: 'revoke-access',
            gate: 'remediate',
            params: {
              objectId: principal.objectId,
              mode: 'remove',
              deleteRoleAssignments: principal.roleAssignments.vault,
            },
            reason: reason('remove the role assignments of the alert principal at the vault scope'),
          },
        };
      }
      if (!principal.accessPolicy) return { skip: 'the principal has no access-policy entry on the vault' };
      return {
        action: {
          kind: 'revoke-access',
          gate: 'remediate',
          params: {
            objectId: principal.objectId,
            mode: p.mode,
            accessPolicyAfter: p.mode === 'remove' ? null : restrict(principal.accessPolicy, p.keepPermissions),
          },
          reason: reason(
            p.mode === 'remove'
              ? "remove the principal's access-policy entry"
              : "restrict the principal's access-policy entry",
          ),
        },
      };
    }
    case 'rotate-secrets':
    case 'disable-secrets': {
      const selected = select(step.params, findings, 'secret');
      if ('skip' in selected) return selected;
      const secrets: SecretTarget[] = selected.targets.map((t) => ({ name: t.name, compromisedVersions: t.versions }));
      if (step.kind === 'disable-secrets') {
        return {
          action: {
            kind: 'disable-secrets',
            gate: 'rotate',
            params: { secrets, allSecrets: selected.all },
            reason: reason('disable the exposed secret versions'),
          },
        };
      }
      const p = step.params;
      return {
        action: {
          kind: 'rotate-secrets',
          gate: 'rotate',
          params: { secrets, disable: p.disable, generator: p.generator, allSecrets: selected.all },
          reason: reason(selected.all ? 'rotate every secret of the vault' : 'rotate the secrets the caller read'),
        },
      };
    }
    case 'delete-secrets': {
      const selected = select(step.params, findings, 'secret');
      if ('skip' in selected) return selected;
      if (vault && !vault.softDeleteEnabled)
        return { skip: 'the vault has no soft delete; deleting would lose the secrets' };
      return {
        action: {
          kind: 'delete-secrets',
          gate: 'rotate',
          params: { secrets: selected.targets.map((t) => ({ name: t.name })), allSecrets: selected.all },
          reason: reason('soft-delete the exposed secrets (recoverable; never purged)'),
        },
      };
    }
    case 'rotate-keys': {
      const selected = select(step.params, findings, 'key');
      if ('skip' in selected) return selected;
      return {
        action: {
          kind: 'rotate-keys',
          gate: 'rotate',
          params: {
            keys: selected.targets.map((t) => ({ name: t.name, compromisedVersions: t.versions })),
            allKeys: selected.all,
          },
          reason: reason('rotate the keys the caller used'),
        },
      };
    }
    case 'rotate-certificates': {
      const selected = select(step.params, findings, 'certificate');
      if ('skip' in selected) return selected;
      return {
        action: {
          kind: 'rotate-certificates',
          gate: 'rotate',
          params: { certificates: selected.targets.map((t) => ({ name: t.name })), allCertificates: selected.all },
          reason: reason('renew the certificates the caller read'),
        },
      };
    }
  }
}

function snapshotOf(findings: Findings, actions: PlanAction[]): PlanSnapshot {
  const snapshot: PlanSnapshot = {};
  const vault = findings.source.vault;
  const principal = findings.source.principal;
  if (vault && actions.some((a) => a.kind === 'firewall')) snapshot.networkAcls = vault.networkAcls;
  if (principal && actions.some((a) => a.kind === 'revoke-access')) {
    snapshot.accessPolicy = principal.accessPolicy ?? null;
    snapshot.roleAssignments = principal.roleAssignments.vault;
  }
  const secrets = actions.flatMap((a) =>
    a.kind === 'rotate-secrets' || a.kind === 'disable-secrets'
      ? a.params.secrets.map((s) => ({ name: s.name, versionsRead: s.compromisedVersions }))
      : [],
  );
  if (secrets.length) snapshot.secrets = secrets;
  return snapshot;
}

export function buildPlan(inputs: PlanInputs): Plan {
  const actions: PlanAction[] = [];
  const notPlanned: Plan['notPlanned'] = [];
  for (const step of inputs.steps) {
    const rule = inputs.rules.find((r) => r.steps.includes(step))?.name ?? '';
    const planned = planStep(step, rule, inputs);
    if (!planned) continue;
    if ('skip' in planned) notPlanned.push({ step: step.kind, rule, reason: planned.skip });
    else
      actions.push({
        ...planned.action,
        id: `${planned.action.gate}-${actions.length + 1}-${planned.action.kind}`,
      } as PlanAction);
  }
  const { alert } = inputs;
  return {
    format: PLAN_FORMAT,
    alertId: alert.id,
    alertType: alert.type,
    vault: {
      resourceId: alert.vault.resourceId,
      name: alert.vault.name,
      subscriptionId: alert.vault.subscriptionId,
      resourceGroup: alert.vault.resourceGroup,
    },
    createdAt: inputs.now,
    maxAge: inputs.maxAge,
    playbookSha256: inputs.playbookSha256,
    rules: inputs.rules.map((r) => r.name),
    snapshot: snapshotOf(inputs.findings, actions),
    actions,
    notPlanned,
  };
}
