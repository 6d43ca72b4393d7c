// Mode remediate: the plan's firewall and access-removal actions, after the gate's checks (modes/gated.ts).
import { applyRemediateActions } from '../apply/remediate.js';
import type { Logger } from '../log.js';
import { runGateAction, runGateCli, type GateApplier } from './gated.js';

export const applyRemediateGate: GateApplier = async (ctx, plan, actions) => {
  const results = await applyRemediateActions(ctx, plan, actions);
  return {
    record: { remediate: results },
    actions: results.map((r) => ({ id: r.actionId, kind: r.kind, status: r.status, message: r.message })),
    complete: results.every((r) => r.status === 'applied' || r.status === 'already-done'),
  };
};

export function runRemediateAction(log: Logger): Promise<void> {
  return runGateAction('remediate', applyRemediateGate, log);
}

export function runRemediateCli(args: { values: Record<string, unknown>; log: Logger }): Promise<number> {
  return runGateCli('remediate', applyRemediateGate, args);
}
