// Mode rotate: the plan's secret, key and certificate actions (apply/rotate.ts), after the gate's checks
// (modes/gated.ts). Generated values are masked before anything else sees them.
import * as core from '@actions/core';
import { applyRotateActions, type RotateResult } from '../apply/rotate.js';
import { configuredConcurrency } from '../concurrency.js';
import type { Logger } from '../log.js';
import { runGateAction, runGateCli, type GateApplier } from './gated.js';

/** One line per action; a failure names its first failed object and why (e.g. the permission the vault denied). */
function summary(r: RotateResult): string {
  if (r.message) return r.message;
  const counts = new Map<string, number>();
  for (const o of r.objects) counts.set(o.outcome, (counts.get(o.outcome) ?? 0) + 1);
  const line = [...counts].map(([outcome, n]) => `${n} ${outcome}`).join(', ') || 'no objects';
  const failed = r.objects.find((o) => o.outcome === 'failed' && o.error);
  return failed ? `${line}; ${failed.type} ${failed.name}: ${failed.error}` : line;
}

/**
 * A temporary firewall rule of ours still on the vault (added by this run, or left by an interrupted earlier one)
 * leaves the gate incomplete: someone must remove it, or run the job again.
 */
export function ruleLeftBehind(results: RotateResult[]): string | undefined {
  const rule = results
    .map((r) => r.temporaryFirewallRule)
    .find((t) => t && (t.added || t.leftByEarlierRun) && !t.removed);
  return (
    rule && `the temporary firewall rule ${rule.rule} is still on vault ${rule.vault}: ${rule.error ?? 'not removed'}`
  );
}

/** KV_ALERT_PLAYBOOK_CONCURRENCY bounds rotation too (default: the executor's own). */
function concurrency(): { concurrency?: number } {
  const limit = configuredConcurrency();
  return limit === undefined ? {} : { concurrency: limit };
}

export function rotateGate(maskSecret: (value: string) => void, pollIntervalMs?: number): GateApplier {
  return async (ctx, plan, actions) => {
    const results = await applyRotateActions(
      { az: ctx.az, ...(pollIntervalMs !== undefined ? { pollIntervalMs } : {}) },
      plan,
      actions,
      { dryRun: ctx.dryRun, log: ctx.log, maskSecret, ...concurrency() },
    );
    const left = ruleLeftBehind(results);
    return {
      record: { rotate: results },
      actions: results.map((r) => ({ id: r.actionId, kind: r.kind, status: r.status, message: summary(r) })),
      complete: results.every((r) => r.status === 'done') && !left,
      ...(left ? { unfinished: left } : {}),
    };
  };
}

export function runRotateAction(log: Logger): Promise<void> {
  return runGateAction('rotate', rotateGate(core.setSecret), log);
}

export function runRotateCli(args: { values: Record<string, unknown>; log: Logger }): Promise<number> {
  // The CLI never prints a generated value; there is no log masking to feed.
  return runGateCli(
    'rotate',
    rotateGate(() => {}),
    args,
  );
}
