// firewall: one PATCH with the whole planned network rule set (Key Vault replaces networkAcls whole), after a
// read of the current rules to check for drift and to keep what the plan does not model (vnet rule flags).
import type { NetworkRuleSet } from '@azure/arm-keyvault';
import { toVaultState, vaultClient } from '../azure/vault.js';
import { describeFailure } from '../errors.js';
import type { NetworkRules } from '../plan/firewall.js';
import type { FirewallAction, Plan } from '../plan/types.js';
import { describeNetworkRules, networkRulesDiff, sameNetworkRules } from './remediate-state.js';
import { EARLIER_RUN, type DriftOptions, type RemediateContext, type RemediateResult } from './remediate-types.js';

/** The ARM body for the planned rules; vnet rules that already exist keep their flags. */
export function networkRuleSet(planned: NetworkRules, current: NetworkRuleSet | undefined): NetworkRuleSet {
  const existing = current?.virtualNetworkRules ?? [];
  return {
    bypass: planned.bypass,
    defaultAction: planned.defaultAction,
    ipRules: planned.ipRules.map((value) => ({ value })),
    virtualNetworkRules: planned.virtualNetworkRules.map(
      (id) => existing.find((r) => r.id.toLowerCase() === id.toLowerCase()) ?? { id },
    ),
  };
}

/** Reads, compares and writes the vault's network rules; `target` is the end state, `from` the state it must start from. */
export async function setNetworkRules(
  ctx: RemediateContext,
  plan: Plan,
  base: Pick<RemediateResult, 'actionId' | 'kind'>,
  target: NetworkRules,
  from: NetworkRules | undefined,
  options: DriftOptions = {},
): Promise<RemediateResult> {
  const { resourceGroup, name, subscriptionId, resourceId } = plan.vault;
  const client = vaultClient(ctx.az, subscriptionId);
  const vault = await client.vaults.get(resourceGroup, name);
  const now = toVaultState(vault, resourceId).networkAcls;
  const result = { ...base, changes: [], notes: [] as string[] };
  if (sameNetworkRules(now, target)) {
    if (!from || sameNetworkRules(from, target)) {
      return { ...result, status: 'already-done', message: 'the vault firewall already has these rules' };
    }
    const before = describeNetworkRules(from);
    const earlier = { what: 'vault firewall', before, after: describeNetworkRules(target), earlierRun: true };
    const message = `the vault firewall already has these rules: ${EARLIER_RUN}`;
    return { ...result, status: 'already-done', message, changes: [earlier] };
  }
  if (!from) return { ...result, status: 'refused', message: 'the plan has no snapshot of the network rules' };
  if (!sameNetworkRules(now, from)) {
    if (options.force) {
      const overwritten = networkRulesDiff(from, now, target, from).map((d) => `${d.field} ${d.now}`);
      result.notes.push(`forced: overwrote later changes (${overwritten.join('; ')})`);
    } else {
      return {
        ...result,
        status: 'refused',
        message: `the vault firewall changed since ${options.since ?? 'the plan was made'}; nothing was changed`,
        drift: networkRulesDiff(from, now, target, from),
      };
    }
  }
  const change = { what: 'vault firewall', before: describeNetworkRules(now), after: describeNetworkRules(target) };
  if (ctx.dryRun)
    return { ...result, status: 'dry-run', message: 'would replace the network rules', changes: [change] };
  try {
    const updated = await client.vaults.update(resourceGroup, name, {
      properties: { networkAcls: networkRuleSet(target, vault.properties.networkAcls) },
    });
    const after = toVaultState(updated, resourceId).networkAcls;
    if (!sameNetworkRules(after, target)) {
      return {
        ...result,
        status: 'failed',
        message: `the vault answered with other rules than sent: ${describeNetworkRules(after)}`,
      };
    }
  } catch (error) {
    return { ...result, status: 'failed', message: `updating the network rules failed: ${describeFailure(error)}` };
  }
  ctx.log.info(`firewall of ${name}: ${change.after}`);
  return { ...result, status: 'applied', message: 'replaced the network rules', changes: [change] };
}

export function applyFirewall(ctx: RemediateContext, plan: Plan, action: FirewallAction): Promise<RemediateResult> {
  return setNetworkRules(
    ctx,
    plan,
    { actionId: action.id, kind: 'firewall' },
    action.params.after,
    plan.snapshot.networkAcls,
  );
}
