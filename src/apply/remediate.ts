// The remediate gate's executors, one action at a time, in plan order. Each re-reads the vault and decides on its
// own: already done, apply, or refuse on drift; one refused or failed action does not stop the others (they
// touch different state), and the record shows each outcome.
import { errorMessage } from '../errors.js';
import type { Plan, PlanAction } from '../plan/types.js';
import { applyRevokeAccess } from './remediate-access.js';
import { applyFirewall } from './remediate-firewall.js';
import type { RemediateContext, RemediateResult } from './remediate-types.js';

export type { Change, RemediateContext, RemediateResult } from './remediate-types.js';

export async function applyRemediateActions(
  ctx: RemediateContext,
  plan: Plan,
  actions: PlanAction[],
): Promise<RemediateResult[]> {
  const results: RemediateResult[] = [];
  for (const action of actions) {
    if (action.kind !== 'firewall' && action.kind !== 'revoke-access') {
      throw new Error(`remediate gate: action ${action.id} is a ${action.kind}, not a remediate action`);
    }
    try {
      results.push(
        action.kind === 'firewall'
          ? await applyFirewall(ctx, plan, action)
          : await applyRevokeAccess(ctx, plan, action),
      );
    } catch (error) {
      // A read that failed (permission, network): this action is not done; the others still get their turn.
      const message = `could not check or change the vault: ${errorMessage(error)}`;
      results.push({ actionId: action.id, kind: action.kind, status: 'failed', message, changes: [], notes: [] });
    }
  }
  return results;
}
