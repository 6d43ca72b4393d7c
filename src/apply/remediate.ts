// The remediate gate's executors, one action at a time, in plan order. Each re-reads the vault and decides on its
// own: already done (when the vault no longer has the snapshot's state, by an earlier run that may have died before
// its comment: the change is recorded again), apply, or refuse on drift; one refused or failed action does not stop
// the others (they touch different state), and the record shows each outcome. Before any of them, the identity's permissions on
// the vault are checked: a gate whose identity lacks a role for one action changes nothing at all.
import { allows, callerPermissions } from '../azure/permissions.js';
import { describeFailure, errorMessage } from '../errors.js';
import type { Plan, PlanAction } from '../plan/types.js';
import { applyRevokeAccess } from './remediate-access.js';
import { applyFirewall } from './remediate-firewall.js';
import type { RemediateContext, RemediateResult } from './remediate-types.js';

export type { Change, RemediateContext, RemediateResult } from './remediate-types.js';

type RemediateAction = Extract<PlanAction, { kind: 'firewall' | 'revoke-access' }>;

/** The control-plane action each write needs, and the role docs/azure-setup.md gives remediate for it. */
function neededPermission(action: RemediateAction): { action: string; role: string } {
  if (action.kind === 'firewall') return { action: 'Microsoft.KeyVault/vaults/write', role: 'Key Vault Contributor' };
  if (action.params.deleteRoleAssignments) {
    return {
      action: 'Microsoft.Authorization/roleAssignments/delete',
      role: 'Role Based Access Control Administrator',
    };
  }
  return { action: 'Microsoft.KeyVault/vaults/accessPolicies/write', role: 'Key Vault Contributor' };
}

/**
 * Every action refused when the identity lacks a permission one of them needs; undefined when it holds them all,
 * or when its permissions cannot be read (then each write still names a permission it is denied).
 */
async function permissionRefusals(
  ctx: RemediateContext,
  plan: Plan,
  actions: RemediateAction[],
): Promise<RemediateResult[] | undefined> {
  let permissions;
  try {
    permissions = await callerPermissions(ctx.az, plan.vault.resourceId);
  } catch (error) {
    ctx.log.warning(
      `could not read this identity's permissions on vault ${plan.vault.name}; applying without that check: ${errorMessage(error)}`,
    );
    return undefined;
  }
  const lacking = new Map<string, string>();
  for (const action of actions) {
    const needed = neededPermission(action);
    if (!allows(permissions, needed.action)) {
      lacking.set(
        action.id,
        `this identity lacks ${needed.action} on vault ${plan.vault.name} (${needed.role} on the vault grants it)`,
      );
    }
  }
  const first = lacking.values().next().value;
  if (first === undefined) return undefined;
  return actions.map((action) => ({
    actionId: action.id,
    kind: action.kind,
    status: 'refused',
    message: `${lacking.get(action.id) ?? `not applied because ${first}`}; nothing was changed`,
    changes: [],
    notes: [],
  }));
}

export async function applyRemediateActions(
  ctx: RemediateContext,
  plan: Plan,
  actions: PlanAction[],
): Promise<RemediateResult[]> {
  const remediate = actions.map((action) => {
    if (action.kind !== 'firewall' && action.kind !== 'revoke-access') {
      throw new Error(`remediate gate: action ${action.id} is a ${action.kind}, not a remediate action`);
    }
    return action;
  });
  const refused = await permissionRefusals(ctx, plan, remediate);
  if (refused) return refused;
  const results: RemediateResult[] = [];
  for (const action of remediate) {
    try {
      results.push(
        action.kind === 'firewall'
          ? await applyFirewall(ctx, plan, action)
          : await applyRevokeAccess(ctx, plan, action),
      );
    } catch (error) {
      // A read that failed (permission, network): this action is not done; the others still get their turn.
      const message = `could not check or change the vault: ${describeFailure(error)}`;
      results.push({ actionId: action.id, kind: action.kind, status: 'failed', message, changes: [], notes: [] });
    }
  }
  return results;
}
