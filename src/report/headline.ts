// The top of the issue and of the job summary: what happened, to which vault, and what the plan would change.
import type { Plan, PlanAction } from '../plan/types.js';
import { impactTotals } from './impact.js';
import type { ReportInput } from './input.js';
import { code, inline, literal, table } from './markdown.js';
import { callerName } from './source.js';
import { plural } from './words.js';

const KIND_WORDS: Record<PlanAction['kind'], string> = {
  firewall: 'firewall on',
  'revoke-access': 'revoke access',
  'rotate-secrets': 'rotate secrets',
  'disable-secrets': 'disable secret versions',
  'delete-secrets': 'soft-delete secrets',
  'rotate-keys': 'rotate keys',
  'rotate-certificates': 'renew certificates',
};

function planSummary(plan: Plan): string {
  if (plan.actions.length === 0) return 'Nothing is planned for the gates; see the checklist.';
  const byGate = new Map<string, string[]>();
  for (const a of plan.actions) byGate.set(a.gate, [...(byGate.get(a.gate) ?? []), KIND_WORDS[a.kind]]);
  return `Planned after approval: ${[...byGate].map(([gate, kinds]) => `\`${gate}\`: ${kinds.join(', ')}`).join('; ')}.`;
}

function impactSummary(input: ReportInput): string {
  const impact = input.findings.impact;
  if (!impact) return 'The impact was not measured.';
  if (impact.status === 'unknown') return `Impact unknown: ${inline(impact.reason, { max: 200 })}.`;
  const t = impactTotals(impact.rows);
  const secrets = t.secretsRead.length ? `, read ${plural(t.secretsRead.length, 'secret')}` : '';
  return `In the window it made ${plural(t.operations, 'request')} (${t.denied} denied or failed) on ${plural(t.objects, 'object')}${secrets}.`;
}

export function renderHeadline(input: ReportInput, state: string): string {
  const { alert, plan } = input;
  const ip = alert.source.ip ? ` from ${code(alert.source.ip, { max: 60 })}` : '';
  const classes = input.findings.source.ip?.classes;
  const ipClass = classes?.length ? ` (${classes.map((c) => inline(c, { max: 60 })).join(', ')})` : '';
  const rules = input.match.rules.filter((r) => r.matched).map((r) => code(r.name, { table: true, max: 80 }));
  const facts = table(
    ['Field', 'Value'],
    [
      [literal('Severity'), inline(alert.severity)],
      [literal('Alert type'), code(alert.type, { table: true, max: 100 })],
      [literal('Simulated'), literal(alert.simulated ? '**yes** (a sample alert from Defender for Cloud)' : 'no')],
      [literal('Vault'), code(alert.vault.name, { table: true, max: 60 })],
      [literal('Resource group'), code(alert.vault.resourceGroup, { table: true, max: 100 })],
      [literal('Subscription'), code(alert.vault.subscriptionId, { table: true, max: 80 })],
      [literal('Window'), literal(`${inline(alert.startTime, { max: 40 })} → ${inline(alert.endTime, { max: 40 })}`)],
      [literal('Alert status'), inline(alert.status, { max: 40 })],
      [literal('Incident state'), inline(state)],
      [literal('Matched rules'), literal(rules.join(', ') || 'none')],
    ],
  );
  return [
    `### ${inline(alert.displayName || alert.type, { max: 200 })}`,
    '',
    `The caller, ${callerName(alert)}${ip}${ipClass}, accessed vault ${code(alert.vault.name, { max: 60 })}. ${impactSummary(input)} ${planSummary(plan)}`,
    '',
    facts,
  ].join('\n');
}
