// The job summary: the same report with room for the full findings (every impact row, the vault's other
// callers, every rule's outcome), within the step summary limit.
import { SUMMARY_BUDGETS } from './budget.js';
import { renderHeadline } from './headline.js';
import { renderEvidence, renderImpact } from './impact.js';
import type { ReportInput } from './input.js';
import { TRIAGED } from './issue.js';
import { safeRunUrl } from './links.js';
import { code, inline, limitBody } from './markdown.js';
import { renderPlan } from './plan.js';
import { renderSource } from './source.js';

/** GitHub's step summary limit is 1 MiB; keep room for anything else the step appends. */
export const SUMMARY_MAX_BYTES = 1_000_000;

function rulesSection(input: ReportInput): string {
  const lines = input.match.rules.map((r) => {
    const reasons = r.reasons.map((x) => inline(x, { max: 400 })).join('; ');
    return `- ${r.matched ? '**matched**' : 'not matched'} ${code(r.name, { max: 80 })}: ${reasons}`;
  });
  return ['## Rules', '', ...(lines.length ? lines : ['The playbook has no rules.'])].join('\n');
}

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** Cuts by characters until the UTF-8 size fits (escaped text is mostly ASCII, so this takes one or two rounds). */
function limitBytes(text: string, maxBytes: number): string {
  let out = text;
  let max = Math.min(text.length, maxBytes);
  while (bytes(out) > maxBytes) {
    max = Math.floor(((max * maxBytes) / bytes(out)) * 0.99);
    out = limitBody(text, { max });
  }
  return out;
}

export function renderSummary(input: ReportInput): string {
  const { alert, findings, plan } = input;
  const sections = [
    '# Key Vault alert triage',
    renderHeadline(input, TRIAGED),
    rulesSection(input),
    renderSource(alert, findings.source, SUMMARY_BUDGETS),
    renderImpact(alert, findings.impact, SUMMARY_BUDGETS, { callers: true }),
    renderPlan(plan, input.planSha256, findings, SUMMARY_BUDGETS),
    renderEvidence(alert, findings.impact, input.cloud.portal, SUMMARY_BUDGETS, safeRunUrl(input.runUrl)),
  ];
  return limitBytes(sections.join('\n\n'), SUMMARY_MAX_BYTES);
}
