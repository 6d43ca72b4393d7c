// The one comment a gate run leaves on the incident issue: who approved, what changed (before → after), what
// was skipped or refused and why, and how to undo it. Pure; every value from Azure, GitHub or the plan goes
// through the markdown primitives.
import type { RemediateResult } from '../apply/remediate-types.js';
import type { TemporaryFirewallRule } from '../apply/firewall-exception.js';
import type { ObjectResult, RotateResult } from '../apply/rotate-types.js';
import type { DefenderAlert } from '../azure/defender.js';
import type { Markdown } from '../report/markdown.js';
import { code, inline, limitBody, literal, table } from '../report/markdown.js';
import type { Gate } from '../steps/index.js';
import type { ApprovalRecord } from './verify.js';

export interface GateRecord {
  gate: Gate;
  planSha256: string;
  approval: ApprovalRecord;
  alert: DefenderAlert;
  remediate?: RemediateResult[];
  rotate?: RotateResult[];
  /** Every gate of the plan is done: the issue is closed with this comment as its summary. */
  closing: boolean;
  /** Gates of the plan still waiting, when not closing. */
  pending: Gate[];
  /** The plan hash the issue shows now, when a later triage run replaced this run's plan ('none': no hash). */
  supersededBy?: string;
}

const GATE_TITLE: Record<Gate, string> = { remediate: 'Remediate', rotate: 'Rotate' };

function approvalLine(a: ApprovalRecord): string {
  if (a.approved) {
    return `Approved for environment ${code(a.environment)} by ${a.approvedBy.map((u) => inline(u)).join(', ')}.`;
  }
  return `**Ran without approval** in environment ${code(a.environment)}: ${inline(a.note, { max: 300 })}.`;
}

const cell = (text: string, max = 300): Markdown => inline(text, { max });
/** Values from Azure (rules, permissions, ids) read best verbatim. */
const value = (text: string): Markdown => code(text, { table: true, max: 1000 });

/** An action found done by an earlier run of the plan reads as applied: its changes are on this record. */
function remediateStatus(r: RemediateResult): string {
  return r.status === 'already-done' && r.changes.some((c) => c.earlierRun) ? 'applied by an earlier run' : r.status;
}

function remediateSection(results: RemediateResult[], undo: boolean): string[] {
  const out: string[] = [
    table(
      ['Action', 'Result', 'Detail'],
      results.map((r) => [code(r.actionId, { table: true }), literal(remediateStatus(r)), cell(r.message)]),
    ),
  ];
  const changes = results.flatMap((r) => r.changes.map((c) => ({ id: r.actionId, ...c })));
  if (changes.length) {
    out.push(
      '',
      '**Changes**',
      '',
      table(
        ['Action', 'What', 'Before', 'After'],
        changes.map((c) => [
          code(c.id, { table: true }),
          cell(c.earlierRun ? `${c.what} (by an earlier run)` : c.what),
          value(c.before),
          value(c.after),
        ]),
      ),
    );
  }
  const drift = results.flatMap((r) => (r.drift ?? []).map((d) => ({ id: r.actionId, ...d })));
  if (drift.length) {
    out.push(
      '',
      '**Refused on drift** (the vault changed since the plan was made; nothing was changed for these actions):',
      '',
      table(
        ['Action', 'Field', 'Snapshot', 'Now', 'Planned'],
        drift.map((d) => [
          code(d.id, { table: true }),
          cell(d.field),
          value(d.snapshot),
          value(d.now),
          value(d.planned),
        ]),
      ),
    );
  }
  const notes = results.flatMap((r) => r.notes.map((n) => `- ${code(r.actionId)}: ${cell(n, 1000)}`));
  if (notes.length) out.push('', '**Notes**', '', ...notes);
  if (undo && (results.some((r) => r.status === 'applied') || changes.some((c) => c.earlierRun))) {
    out.push(
      '',
      "**Undo:** with this plan (the triage job's `plan` output) saved as `plan.json`, run `kv-alert-playbook rollback --plan plan.json --gate remediate`. It restores the snapshot's network rules and access-policy entry and lists any later change it would overwrite (then it asks for `--force`). Deleted role assignments are listed with the command an administrator runs to recreate them.",
    );
  }
  return out;
}

/** Versions this run disabled, then those it found disabled already (an earlier run's work, as far as it knows). */
function disabledCell(o: ObjectResult): string {
  const all = [...o.disabledVersions, ...o.alreadyDisabledVersions.map((v) => `${v} (already)`)];
  return all.join(', ') || '-';
}

/** What the run did about the temporary runner firewall rule, if anything. */
function ruleLine(rule: TemporaryFirewallRule | undefined): string | undefined {
  if (!rule || !(rule.added || rule.leftByEarlierRun)) return undefined;
  const failed = `(${cell(rule.error ?? 'unknown error')}): **remove it by hand**`;
  if (rule.leftByEarlierRun) {
    const outcome = rule.removed ? 'was removed' : `could not be removed ${failed}`;
    return `A temporary firewall rule ${code(rule.rule)} for the runner's address, left on the vault by an earlier run that was stopped, ${outcome}.`;
  }
  const outcome = rule.removed ? 'and removed it afterwards' : `but could not remove it ${failed}`;
  return `The runner's address was outside the vault firewall: the run added the rule ${code(rule.rule)} ${outcome}.`;
}

function rotateSection(results: RotateResult[]): string[] {
  const out: string[] = [
    table(
      ['Action', 'Result', 'Detail'],
      results.map((r) => [code(r.actionId, { table: true }), literal(r.status), cell(r.message ?? '')]),
    ),
  ];
  const objects = results.flatMap((r) => r.objects.map((o) => ({ id: r.actionId, ...o })));
  if (objects.length) {
    out.push(
      '',
      table(
        ['Action', 'Object', 'Outcome', 'New version', 'Was current', 'Disabled', 'Notes'],
        objects.map((o) => [
          code(o.id, { table: true }),
          cell(`${o.type} ${o.name}`),
          literal(o.outcome),
          o.newVersion ? code(o.newVersion, { table: true }) : literal('-'),
          o.rotatedFrom ? code(o.rotatedFrom, { table: true }) : literal('-'),
          cell(disabledCell(o), 1000),
          cell([...o.notes, ...(o.error ? [o.error] : [])].join('; ') || '-', 1000),
        ]),
      ),
    );
  }
  const checklist = objects.flatMap((o) => (o.checklist ? [`- [ ] ${cell(o.checklist, 1000)}`] : []));
  if (checklist.length) out.push('', '**To do by hand**', '', ...checklist);
  if (objects.some((o) => o.alreadyDisabledVersions.length > 0)) {
    out.push(
      '',
      '(already): the version was disabled when this run started, by an earlier run of this plan that stopped before recording it or by someone else.',
    );
  }
  const rules = results.flatMap((r) => (r.temporaryFirewallRule ? [r.temporaryFirewallRule] : []));
  const line = ruleLine(rules[rules.length - 1]);
  if (line) out.push('', line);
  const undone = (o: ObjectResult) =>
    o.disabledVersions.length > 0 ||
    o.alreadyDisabledVersions.length > 0 ||
    o.outcome === 'deleted' ||
    o.outcome === 'already-deleted';
  if (objects.some(undone)) {
    out.push(
      '',
      '**Undo:** a disabled version is enabled again with `az keyvault secret set-attributes --vault-name <vault> --name <name> --version <version> --enabled true` (keys: `az keyvault key set-attributes`); a soft-deleted secret is restored with `az keyvault secret recover`. Nothing was purged.',
    );
  }
  return out;
}

export function renderGateComment(r: GateRecord): string {
  const lines = [
    `### ${GATE_TITLE[r.gate]} gate`,
    '',
    approvalLine(r.approval),
    `Plan ${code(r.planSha256)} (the hash the issue ${r.supersededBy ? 'showed when this run was approved' : 'shows'}). Defender alert status: ${inline(r.alert.status || 'unknown', { max: 40 })}.`,
    '',
    ...(r.remediate ? remediateSection(r.remediate, true) : []),
    ...(r.rotate ? rotateSection(r.rotate) : []),
  ];
  if (r.supersededBy) {
    const now = r.supersededBy === 'none' ? 'no plan hash' : `plan ${code(r.supersededBy)}`;
    lines.push(
      '',
      `**The issue now shows ${now}**, from a later triage run of this alert: this run applied only plan ${code(r.planSha256)}; the newer plan needs its own approval, so the issue stays open.`,
    );
  } else if (r.closing) lines.push('', '**Every gate of the plan is done; closing this issue.**');
  else if (r.pending.length) lines.push('', `Still waiting: the ${r.pending.join(', ')} gate.`);
  return limitBody(lines.join('\n'));
}

export function renderRefusalComment(gate: Gate, reason: string): string {
  return limitBody(
    [`### ${GATE_TITLE[gate]} gate refused`, '', `Nothing was changed: ${inline(reason, { max: 1000 })}`].join('\n'),
  );
}

/** The record of `kv-alert-playbook rollback --gate remediate` (run by a person with their own credentials). */
export function renderRollbackComment(planSha256: string, results: RemediateResult[], forced: boolean): string {
  const lines = [
    '### Remediate gate rolled back',
    '',
    `Plan ${code(planSha256)}: the snapshot's network rules and access entries were restored${forced ? ' with --force (later changes overwritten, see the notes)' : ''}. The incident is no longer contained.`,
    '',
    ...remediateSection(results, false),
  ];
  return limitBody(lines.join('\n'));
}
