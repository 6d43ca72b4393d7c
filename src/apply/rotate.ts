// The rotate gate's executors: rotate / disable / soft-delete secrets, rotate keys and certificates, for the plan's
// vault. Objects run with bounded concurrency; every data-plane call retries throttling and, when the vault
// firewall denies our runner, goes through a temporary /32 rule that is removed before this returns.
import type { AzureContext } from '../azure/context.js';
import { certificateClient, keyClient, secretClient } from '../azure/secrets.js';
import { vaultClient } from '../azure/vault.js';
import type { Logger } from '../log.js';
import type { Plan, PlanAction } from '../plan/types.js';
import { rotateCertificates } from './certificates.js';
import { firewallException, type FirewallException } from './firewall-exception.js';
import { rotateKeys } from './keys.js';
import { mapLimit } from '../concurrency.js';
import { describeError, retryThrottled } from './rotate-calls.js';
import { rotationMarker } from './rotate-tags.js';
import type { Executor, ObjectResult, RotateActionKind, RotateResult } from './rotate-types.js';
import { deleteSecrets, disableSecrets, rotateSecrets, type Mapper } from './secrets.js';

export type { ObjectOutcome, ObjectResult, RotateActionKind, RotateResult } from './rotate-types.js';
export type { TemporaryFirewallRule } from './firewall-exception.js';
export { TAG_ALERT_ID, TAG_ROTATED_FROM, TAG_ROTATION_STARTED, rotationMarker } from './rotate-tags.js';

export interface RotateContext {
  az: AzureContext;
  /** Poll interval of long-running operations (soft delete, certificate creation); default: the SDK's (2 s). */
  pollIntervalMs?: number;
}

export interface RotateOptions {
  /** Reads only: what would change is in each object's notes. */
  dryRun: boolean;
  /** Objects in flight at once (default 8). */
  concurrency?: number;
  log: Logger;
  /** Called with every generated (or read back) value before anything else sees it (core.setSecret). */
  maskSecret: (value: string) => void;
}

export const DEFAULT_CONCURRENCY = 8;

/** Read (and expected missing) only to learn whether the vault firewall denies this runner. */
const FIREWALL_PROBE_SECRET = 'kv-alert-playbook-firewall-probe';

type RotateAction = Extract<PlanAction, { kind: RotateActionKind }>;

function isRotateAction(action: PlanAction): action is RotateAction {
  return ['rotate-secrets', 'disable-secrets', 'delete-secrets', 'rotate-keys', 'rotate-certificates'].includes(
    action.kind,
  );
}

async function softDeleteOff(ctx: RotateContext, plan: Plan): Promise<boolean> {
  const vault = await vaultClient(ctx.az, plan.vault.subscriptionId).vaults.get(
    plan.vault.resourceGroup,
    plan.vault.name,
  );
  // Soft delete is on unless explicitly off (it cannot be turned off on new vaults).
  return vault.properties.enableSoftDelete === false;
}

async function runAction(ctx: RotateContext, plan: Plan, x: Executor, action: RotateAction, map: Mapper) {
  switch (action.kind) {
    case 'rotate-secrets':
      return rotateSecrets(x, action, map);
    case 'disable-secrets':
      return disableSecrets(x, action, map);
    case 'delete-secrets':
      if (await softDeleteOff(ctx, plan))
        return 'refused: soft delete is off on this vault, so a delete could not be undone';
      return deleteSecrets(x, action, map);
    case 'rotate-keys':
      return rotateKeys(x, action, map);
    case 'rotate-certificates':
      return rotateCertificates(x, action, map);
  }
}

function status(objects: ObjectResult[], dryRun: boolean): RotateResult['status'] {
  const failed = objects.filter((o) => o.outcome === 'failed').length;
  if (failed > 0) return failed === objects.length ? 'failed' : 'partial';
  return dryRun ? 'dry-run' : 'done';
}

async function applyAction(
  ctx: RotateContext,
  plan: Plan,
  x: Executor,
  action: RotateAction,
  map: Mapper,
  firewall: FirewallException,
): Promise<RotateResult> {
  const base = { actionId: action.id, kind: action.kind };
  let result: RotateResult;
  try {
    const outcome = await runAction(ctx, plan, x, action, map);
    result =
      typeof outcome === 'string'
        ? { ...base, status: 'refused', message: outcome, objects: [] }
        : { ...base, status: status(outcome, x.dryRun), objects: outcome };
  } catch (error) {
    result = { ...base, status: 'failed', message: describeError(error), objects: [] };
  }
  if (firewall.rule) result.temporaryFirewallRule = firewall.rule;
  const counts = new Map<string, number>();
  for (const o of result.objects) counts.set(o.outcome, (counts.get(o.outcome) ?? 0) + 1);
  const summary = [...counts].map(([k, n]) => `${n} ${k}`).join(', ') || 'no objects';
  x.log.info(`${action.id} (${action.kind}): ${result.status}: ${result.message ?? summary}`);
  return result;
}

/**
 * Applies this gate's actions of the plan to its vault, in order. Safe to re-run after a crash at any point:
 * versions created for the alert are found by their tags and never created twice. Generated values go to
 * `maskSecret` first and appear in no result, log line or error.
 */
export async function applyRotateActions(
  ctx: RotateContext,
  plan: Plan,
  actions: PlanAction[],
  options: RotateOptions,
): Promise<RotateResult[]> {
  const rotateActions = actions.map((action) => {
    if (!isRotateAction(action))
      throw new Error(`applyRotateActions: ${action.id} (${action.kind}) is not a rotate action`);
    return action;
  });
  const timings = ctx.az.options.retryOptions;
  const secrets = secretClient(ctx.az, plan.vault.name);
  const firewall = firewallException(ctx.az, plan.vault, {
    dryRun: options.dryRun,
    log: options.log,
    timings,
    // A name no one uses: denied by the firewall, else 404 (or 403 without the role). Its value is never read.
    probe: () => secrets.getSecret(FIREWALL_PROBE_SECRET),
  });
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  const x: Executor = {
    marker: rotationMarker(plan.alertId),
    dryRun: options.dryRun,
    log: options.log,
    maskSecret: options.maskSecret,
    pollIntervalMs: ctx.pollIntervalMs,
    call: (fn) => firewall.guard(() => retryThrottled(fn, timings)),
    secrets,
    keys: keyClient(ctx.az, plan.vault.name),
    certificates: certificateClient(ctx.az, plan.vault.name),
  };
  const map: Mapper = (items, work) => mapLimit(items, concurrency, work);
  const results: RotateResult[] = [];
  try {
    for (const action of rotateActions) results.push(await applyAction(ctx, plan, x, action, map, firewall));
  } finally {
    await firewall.remove();
  }
  // A rule an interrupted earlier run left is found (and removed) only at the end: every action ran behind it.
  const rule = firewall.rule;
  if (rule) for (const result of results) result.temporaryFirewallRule ??= rule;
  return results;
}
