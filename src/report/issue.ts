// The incident issue for one alert: title, body and labels. Pure: the GitHub adapter writes what this returns.
import type { Alert } from '../alert/types.js';
import type { Findings } from '../findings/types.js';
import type { Plan } from '../plan/types.js';
import { bounded, ISSUE_BUDGETS, leftOut } from './budget.js';
import { renderHeadline } from './headline.js';
import { impactTotals, renderEvidence, renderImpact } from './impact.js';
import type { RelatedIncident, ReportInput } from './input.js';
import { safeRunUrl } from './links.js';
import { cleanText, code, GITHUB_BODY_MAX, inline, limitBody, titleText } from './markdown.js';
import { renderPlan } from './plan.js';
import { callerName, renderSource } from './source.js';
import { plural } from './words.js';

export type { RelatedIncident, ReportInput } from './input.js';

export interface RenderedIssue {
  title: string;
  body: string;
  labels: string[];
}

/** Room for the hidden marker the issue adapter puts in front of the body (github/issues.ts incidentMarker). */
const MARKER_ROOM = 200;

/** The state label a freshly triaged incident carries. */
export const TRIAGED = 'triaged';

/** GitHub label names: at most 50 characters; a comma would split the name in the labels API. */
const LABEL_MAX = 50;

function labelName(text: string): string {
  return cleanText(text).replace(/,/g, ' ').replace(/\s+/g, ' ').trim().slice(0, LABEL_MAX).trim();
}

export function issueLabels(alert: Alert, playbookLabels: readonly string[]): string[] {
  const vault = alert.vault.name.toLowerCase().replace(/[^a-z0-9._-]/g, '-');
  const labels = [
    'kv-alert',
    `severity:${alert.severity}`,
    `vault:${vault}`,
    TRIAGED,
    ...(alert.simulated ? ['simulated'] : []),
    ...playbookLabels,
  ].map(labelName);
  return [...new Set(labels.filter(Boolean))];
}

export function issueTitle(alert: Alert): string {
  return titleText(`${alert.displayName || alert.type} on ${alert.vault.name} (${alert.type})`);
}

/** Mentions from the playbook, re-checked against the playbook schema's pattern before they can ping anyone. */
const MENTION = /^@[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\/[A-Za-z0-9_.-]+)?$/;

function notifiedLine(notify: readonly string[]): string {
  const mentions = notify.map((m) => (MENTION.test(m) ? m : inline(m, { max: 60 })));
  return mentions.length ? `**Notified:** ${mentions.join(' ')}` : '';
}

function checklist(alert: Alert, findings: Findings, plan: Plan): string {
  const caller = callerName(alert);
  const items = [
    `**Contact the owner** of ${caller} and confirm whether this access was theirs. A familiar caller, or an address in a Microsoft range, is no proof.`,
  ];
  if (findings.source.kind !== 'external') {
    items.push(
      `**Ask the Entra ID administrator** whether ${caller} holds Entra roles or application permissions; this action cannot see or remove them. If the access was not legitimate, remove them and revoke its sessions and credentials.`,
    );
  }
  const impact = findings.impact;
  const read = impact?.status === 'measured' ? impactTotals(impact.rows).secretsRead : [];
  if (read.length) {
    const names = bounded(read, (n) => code(n, { max: 80 }), ISSUE_BUDGETS.list);
    const more = names.length < read.length ? ` and ${read.length - names.length} more` : '';
    items.push(
      `**Audit where the leaked credentials were used:** ask the administrators of the systems that accept ${names.join(', ')}${more} to check their sign-in and access logs since the first read.`,
    );
  }
  const manual = plan.actions.flatMap((a) =>
    a.kind === 'rotate-secrets' || a.kind === 'disable-secrets' ? a.params.secrets.filter((s) => s.manual) : [],
  );
  for (const s of manual) {
    items.push(
      `**Rotate ${code(s.name, { max: 80 })} at its source:** the credential is issued elsewhere; a new vault version alone does not revoke the leaked one.`,
    );
  }
  const inherited = findings.source.principal?.roleAssignments.inherited ?? [];
  if (inherited.length) {
    items.push(
      `**Ask the subscription or resource-group administrator** to review the ${plural(inherited.length, 'inherited role assignment')} listed under Source; this action changes only the vault scope.`,
    );
  }
  if (findings.source.tenant.relation === 'different') {
    items.push(
      '**Find out why a principal of another tenant has access** (guest, multi-tenant application), and whether it still should.',
    );
  }
  if (impact?.status === 'unknown' || !impact) {
    items.push(
      "**Measure the impact by hand:** the vault's logs could not be queried (see Impact); without them nothing is rotated unless the playbook says `scope: all`.",
    );
  }
  for (const gate of ['remediate', 'rotate'] as const) {
    const n = plan.actions.filter((a) => a.gate === gate).length;
    if (n)
      items.push(
        `**Review and approve the \`${gate}\` gate** (${plural(n, 'action')}) only if the plan SHA-256 the job prints matches the one above.`,
      );
  }
  return ['## What only people can do', '', ...items.map((i) => `- [ ] ${i}`)].join('\n');
}

function relatedSection(related: readonly RelatedIncident[]): string {
  const valid = related.filter((r) => Number.isSafeInteger(r.number) && r.number > 0);
  const lines = bounded(valid, (r) => `- #${r.number} ${inline(r.title, { max: 200 })}`, ISSUE_BUDGETS.list);
  return [
    '## Related open incidents',
    '',
    ...(lines.length ? lines : ['None for this vault or caller.']),
    ...leftOut(lines.length, valid.length, ISSUE_BUDGETS, 'incidents'),
  ].join('\n');
}

export function renderIssue(input: ReportInput): RenderedIssue {
  const { alert, findings, plan } = input;
  const runUrl = safeRunUrl(input.runUrl);
  const simulated = alert.simulated
    ? '> [!NOTE]\n> A simulated (sample) alert from Defender for Cloud: the findings are real reads, the alert is not.'
    : '';
  const sections = [
    renderHeadline(input, TRIAGED),
    notifiedLine(input.owners.notify),
    simulated,
    renderSource(alert, findings.source, ISSUE_BUDGETS),
    renderImpact(alert, findings.impact, ISSUE_BUDGETS, { callers: false }),
    renderPlan(plan, input.planSha256, findings, ISSUE_BUDGETS),
    checklist(alert, findings, plan),
    renderEvidence(alert, findings.impact, input.cloud.portal, ISSUE_BUDGETS, runUrl),
    relatedSection(input.related),
  ];
  const body = limitBody(sections.filter(Boolean).join('\n\n'), {
    max: GITHUB_BODY_MAX - MARKER_ROOM,
    fullTextHint: 'The job summary of the triage run has the full findings and the plan.',
  });
  return { title: issueTitle(alert), body, labels: issueLabels(alert, input.match.labels) };
}
