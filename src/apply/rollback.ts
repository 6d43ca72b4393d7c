// Undo of the remediate gate: move the network rules and the principal's access-policy entry from the plan's end
// state back to its snapshot. A state that is neither (a later change) is listed and only overwritten with
// force. Deleted role assignments are not recreated here (the remediate identity may delete assignments but
// never create one): the result names the command an administrator runs.
import { listPrincipalRoleAssignments } from '../azure/roles.js';
import { errorMessage } from '../errors.js';
import type { Plan, RevokeAccessAction } from '../plan/types.js';
import { setAccessEntry } from './remediate-access.js';
import { setNetworkRules } from './remediate-firewall.js';
import type { RemediateContext, RemediateResult } from './remediate-types.js';

const SINCE = 'the remediate gate changed it';

async function restoreAssignments(
  ctx: RemediateContext,
  plan: Plan,
  action: RevokeAccessAction,
): Promise<RemediateResult> {
  const base = { actionId: action.id, kind: 'revoke-access' as const, changes: [], notes: [] as string[] };
  const planned = action.params.deleteRoleAssignments ?? [];
  const current = (await listPrincipalRoleAssignments(ctx.az, plan.vault.resourceId, action.params.objectId)).vault;
  const missing = planned.filter((p) => !current.some((c) => c.id.toLowerCase() === p.id.toLowerCase()));
  if (missing.length === 0) return { ...base, status: 'already-done', message: 'the role assignments are in place' };
  for (const a of missing) {
    base.notes.push(
      `az role assignment create --assignee-object-id ${a.principalId} --role ${a.roleDefinitionId.split('/').pop()} --scope ${a.scope}`,
    );
  }
  return {
    ...base,
    status: 'refused',
    message: `${missing.length} deleted role assignment(s) must be recreated by an administrator (commands in the notes)`,
  };
}

export async function rollbackRemediate(
  ctx: RemediateContext,
  plan: Plan,
  options: { force: boolean },
): Promise<RemediateResult[]> {
  const drift = { force: options.force, since: SINCE };
  const results: RemediateResult[] = [];
  for (const action of plan.actions) {
    try {
      if (action.kind === 'firewall') {
        const base = { actionId: action.id, kind: 'firewall' as const };
        const snapshot = plan.snapshot.networkAcls;
        results.push(
          snapshot
            ? await setNetworkRules(ctx, plan, base, snapshot, action.params.after, drift)
            : {
                ...base,
                status: 'refused',
                message: 'the plan has no network-rules snapshot to restore',
                changes: [],
                notes: [],
              },
        );
      } else if (action.kind === 'revoke-access') {
        if (action.params.deleteRoleAssignments) results.push(await restoreAssignments(ctx, plan, action));
        else {
          const base = { actionId: action.id, kind: 'revoke-access' as const };
          const from = action.params.accessPolicyAfter;
          const snapshot = plan.snapshot.accessPolicy;
          if (from === undefined || snapshot === undefined) {
            results.push({
              ...base,
              status: 'refused',
              message: 'the plan has no access-policy snapshot to restore',
              changes: [],
              notes: [],
            });
          } else {
            results.push(await setAccessEntry(ctx, plan, base, snapshot, from, drift));
          }
        }
      }
    } catch (error) {
      results.push({
        actionId: action.id,
        kind: action.kind as RemediateResult['kind'],
        status: 'failed',
        message: `could not check or restore the vault: ${errorMessage(error)}`,
        changes: [],
        notes: [],
      });
    }
  }
  return results;
}
