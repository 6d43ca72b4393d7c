// revoke-access: access-policy vaults remove the principal's entry or replace it with restricted permissions
// (updateAccessPolicy); RBAC vaults delete the planned role assignments at (or below) the vault scope, nothing
// else. The action's own identity is never touched.
import type { AccessPolicyEntry as SdkAccessPolicyEntry } from '@azure/arm-keyvault';
import { deleteRoleAssignment, listPrincipalRoleAssignments } from '../azure/roles.js';
import { toVaultState, vaultClient } from '../azure/vault.js';
import { describeFailure, errorMessage } from '../errors.js';
import type { AccessPolicyEntry, RoleAssignment } from '../findings/types.js';
import type { Plan, RevokeAccessAction } from '../plan/types.js';
import { describeAccessEntry, findAccessEntry, sameAccessEntry, type FieldDiff } from './remediate-state.js';
import {
  EARLIER_RUN,
  type Change,
  type DriftOptions,
  type RemediateContext,
  type RemediateResult,
} from './remediate-types.js';

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export function sdkAccessEntry(e: AccessPolicyEntry): SdkAccessPolicyEntry {
  return {
    tenantId: e.tenantId,
    objectId: e.objectId,
    ...(e.applicationId ? { applicationId: e.applicationId } : {}),
    permissions: {
      keys: [...e.permissions.keys],
      secrets: [...e.permissions.secrets],
      certificates: [...e.permissions.certificates],
      storage: [...e.permissions.storage],
    },
  } as SdkAccessPolicyEntry;
}

/**
 * Moves the principal's access-policy entry from `from` to `target` (null: no entry), refusing on drift.
 * Shared with rollback, which moves it back.
 */
export async function setAccessEntry(
  ctx: RemediateContext,
  plan: Plan,
  base: Pick<RemediateResult, 'actionId' | 'kind'>,
  target: AccessPolicyEntry | null,
  from: AccessPolicyEntry | null | undefined,
  options: DriftOptions = {},
): Promise<RemediateResult> {
  const { resourceGroup, name, subscriptionId, resourceId } = plan.vault;
  const result = { ...base, changes: [], notes: [] as string[] };
  const principal = target ?? from;
  if (!principal || from === undefined) {
    return { ...result, status: 'refused', message: "the plan has no snapshot of the principal's access-policy entry" };
  }
  const client = vaultClient(ctx.az, subscriptionId);
  const state = toVaultState(await client.vaults.get(resourceGroup, name), resourceId);
  if (state.enableRbacAuthorization) {
    return {
      ...result,
      status: 'refused',
      message: 'the vault now uses Azure RBAC, not access policies; the plan no longer fits it',
    };
  }
  const now = findAccessEntry(state.accessPolicies, principal.objectId, principal.applicationId);
  if (sameAccessEntry(now, target)) {
    const message = `the access-policy entry is already: ${describeAccessEntry(target)}`;
    if (sameAccessEntry(from, target)) return { ...result, status: 'already-done', message };
    const earlier = {
      what: `access policy of ${principal.objectId}`,
      before: describeAccessEntry(from),
      after: describeAccessEntry(target),
      earlierRun: true,
    };
    return {
      ...result,
      status: 'already-done',
      message: `${message}; ${EARLIER_RUN}`,
      changes: [earlier],
    };
  }
  if (!sameAccessEntry(now, from) && options.force) {
    result.notes.push(`forced: overwrote a later change (the entry was: ${describeAccessEntry(now)})`);
  } else if (!sameAccessEntry(now, from)) {
    const drift: FieldDiff[] = [
      {
        field: `accessPolicies[${principal.objectId}]`,
        snapshot: describeAccessEntry(from),
        now: describeAccessEntry(now),
        planned: describeAccessEntry(target),
      },
    ];
    return {
      ...result,
      status: 'refused',
      message: `the principal's access-policy entry changed since ${options.since ?? 'the plan was made'}; nothing was changed`,
      drift,
    };
  }
  const change = {
    what: `access policy of ${principal.objectId}`,
    before: describeAccessEntry(now),
    after: describeAccessEntry(target),
  };
  if (ctx.dryRun)
    return { ...result, status: 'dry-run', message: 'would change the access-policy entry', changes: [change] };
  const [kind, entry] =
    target === null
      ? (['remove', now!] as const)
      : now === null
        ? (['add', target] as const)
        : (['replace', target] as const);
  try {
    await client.vaults.updateAccessPolicy(resourceGroup, name, kind, {
      properties: { accessPolicies: [sdkAccessEntry(entry)] },
    });
  } catch (error) {
    return {
      ...result,
      status: 'failed',
      message: `${kind} of the access-policy entry failed: ${describeFailure(error)}`,
    };
  }
  ctx.log.info(`access policy of ${principal.objectId} on ${name}: ${change.after}`);
  return {
    ...result,
    status: 'applied',
    message: `${kind === 'remove' ? 'removed' : kind === 'add' ? 'added' : 'replaced'} the access-policy entry`,
    changes: [change],
  };
}

function atOrBelow(scope: string, vaultId: string): boolean {
  return same(scope, vaultId) || scope.toLowerCase().startsWith(`${vaultId.toLowerCase()}/`);
}

/** Why a planned assignment may not be deleted, or undefined: only the principal's, only at or below the vault. */
function assignmentProblem(a: RoleAssignment, objectId: string, vaultId: string): string | undefined {
  if (!same(a.principalId, objectId)) return `role assignment ${a.id} belongs to ${a.principalId}, not ${objectId}`;
  if (!atOrBelow(a.scope, vaultId)) return `role assignment ${a.id} is not at the vault scope`;
  if (!a.id.toLowerCase().startsWith(`${a.scope.toLowerCase()}/providers/microsoft.authorization/roleassignments/`)) {
    return `role assignment id ${a.id} does not lie at its scope ${a.scope}`;
  }
  return undefined;
}

const roleOf = (a: RoleAssignment) => a.roleName ?? a.roleDefinitionId.split('/').pop();
const describeAssignment = (a: RoleAssignment) => `${roleOf(a)} at ${a.scope}`;

async function deleteAssignments(
  ctx: RemediateContext,
  plan: Plan,
  action: RevokeAccessAction,
  planned: RoleAssignment[],
): Promise<RemediateResult> {
  const result = { actionId: action.id, kind: 'revoke-access' as const, changes: [], notes: [] as string[] };
  const { objectId } = action.params;
  for (const a of planned) {
    const problem = assignmentProblem(a, objectId, plan.vault.resourceId);
    if (problem) return { ...result, status: 'refused', message: `${problem}; nothing was changed` };
  }
  const current = (await listPrincipalRoleAssignments(ctx.az, plan.vault.resourceId, objectId)).vault;
  const present = planned.filter((p) => current.some((c) => same(c.id, p.id)));
  // Planned, in the snapshot and gone now: an earlier run deleted them (perhaps without recording it).
  const gone = planned
    .filter((p) => !present.includes(p) && plan.snapshot.roleAssignments?.some((s) => same(s.id, p.id)))
    .map((a) => ({
      what: `role assignment ${a.id}`,
      before: describeAssignment(a),
      after: 'deleted',
      earlierRun: true,
    }));
  const others = current.filter((c) => !planned.some((p) => same(c.id, p.id)));
  if (others.length > 0) {
    result.notes.push(
      `not in the plan, left alone: ${others.map(describeAssignment).join('; ')} (added after triage; review by hand)`,
    );
  }
  if (present.length === 0) {
    const message = `the planned role assignments are already gone${gone.length ? `: ${EARLIER_RUN}` : ''}`;
    return { ...result, status: 'already-done', message, changes: gone };
  }
  const changes = present.map((a) => ({
    what: `role assignment ${a.id}`,
    before: describeAssignment(a),
    after: 'deleted',
  }));
  if (ctx.dryRun)
    return {
      ...result,
      status: 'dry-run',
      message: `would delete ${present.length} role assignment(s)`,
      changes: [...gone, ...changes],
    };
  const done: Change[] = [...gone];
  for (const [i, a] of present.entries()) {
    try {
      await deleteRoleAssignment(ctx.az, a.id);
      done.push(changes[i]!);
    } catch (error) {
      return {
        ...result,
        changes: done,
        status: 'failed',
        // Azure's error names the assignment's full id already; its name and role keep the line short.
        message: `deleting role assignment ${a.id.split('/').pop()} (${roleOf(a)}) failed after ${i} of ${present.length}: ${errorMessage(error)}`,
      };
    }
  }
  ctx.log.info(`deleted ${present.length} role assignment(s) of ${objectId} on ${plan.vault.name}`);
  const message = `deleted ${present.length} role assignment(s)${gone.length ? `; ${gone.length} more found deleted: ${EARLIER_RUN}` : ''}`;
  return { ...result, status: 'applied', message, changes: done };
}

export async function applyRevokeAccess(
  ctx: RemediateContext,
  plan: Plan,
  action: RevokeAccessAction,
): Promise<RemediateResult> {
  const base = { actionId: action.id, kind: 'revoke-access' as const };
  const p = action.params;
  if (same(p.objectId, ctx.selfObjectId)) {
    return {
      ...base,
      changes: [],
      notes: [],
      status: 'refused',
      message: "the principal is the action's own identity; it is never revoked",
    };
  }
  if (p.deleteRoleAssignments) return deleteAssignments(ctx, plan, action, p.deleteRoleAssignments);
  if (p.accessPolicyAfter === undefined) {
    return {
      ...base,
      changes: [],
      notes: [],
      status: 'refused',
      message: 'the action names neither role assignments nor an access-policy end state',
    };
  }
  if (p.accessPolicyAfter && !same(p.accessPolicyAfter.objectId, p.objectId)) {
    return {
      ...base,
      changes: [],
      notes: [],
      status: 'refused',
      message: 'the planned access-policy entry is for another principal',
    };
  }
  const from = plan.snapshot.accessPolicy;
  if (from && !same(from.objectId, p.objectId)) {
    return {
      ...base,
      changes: [],
      notes: [],
      status: 'refused',
      message: "the snapshot's access-policy entry is for another principal",
    };
  }
  return setAccessEntry(ctx, plan, base, p.accessPolicyAfter, from);
}
