// Which plan a triage run offers for approval. Concurrent runs for one alert (a duplicate delivery, a re-run)
// each make a plan, and each plan holds its creation time: the incident issue can show only one, and a gated
// job refuses any other. So a run offers the plan the issue already shows when its own equals it but for the
// creation time, and offers nothing when, read back after its writes, the issue shows another run's plan.
import { planHash } from '../plan/canonical.js';
import type { Plan } from '../plan/types.js';
import { parseDuration } from '../playbook/duration.js';
import { linesOutsideCode } from './markdown.js';
import { findPlanHash } from './plan-hash.js';

/** The plan section's "Created <time>, valid for <duration>." line (report/plan.ts). */
const CREATED = /^Created (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z), valid for /;
/** Runner clocks may differ this much. */
const CLOCK_SKEW_MS = 60_000;

/**
 * The plan the issue shows, when `plan` equals it but for its creation time and it is still within its maximum
 * age; undefined otherwise. Only an exact hash match counts, so nothing in the body can make a run adopt a plan
 * other than its own.
 */
export function reusablePlan(
  previousBody: string,
  plan: Plan,
  now: Date,
): { plan: Plan; planSha256: string } | undefined {
  const shown = findPlanHash(previousBody);
  const maxAgeMs = parseDuration(plan.maxAge);
  if (!shown || maxAgeMs === undefined) return undefined;
  for (const line of linesOutsideCode(previousBody)) {
    const createdAt = CREATED.exec(line)?.[1];
    if (!createdAt) continue;
    const candidate = { ...plan, createdAt };
    if (planHash(candidate) !== shown) continue;
    const age = now.getTime() - Date.parse(createdAt);
    return age > -CLOCK_SKEW_MS && age < maxAgeMs ? { plan: candidate, planSha256: shown } : undefined;
  }
  return undefined;
}

export type PlanOffer =
  | { offered: true }
  /** `shown`: the hash the issue shows instead (undefined: none it can be read from). */
  | { offered: false; shown: string | undefined; notice: string };

/** Whether the issue, read back after the run's writes, shows the run's plan. */
export function planOffer(issue: { number: number; body: string }, planSha256: string): PlanOffer {
  const shown = findPlanHash(issue.body);
  if (shown === planSha256) return { offered: true };
  const what = shown
    ? `shows plan SHA-256 ${shown}, written by another triage run for this alert`
    : 'shows no plan SHA-256 (another triage run for this alert is writing it)';
  return {
    offered: false,
    shown,
    notice:
      `issue #${issue.number} ${what}, not this run's plan ${planSha256}: this run does not offer its plan for ` +
      'approval (needs-remediation and needs-rotation are false); the gated jobs of the run whose plan the issue ' +
      'shows will apply it',
  };
}
