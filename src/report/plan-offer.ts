// Whether a triage run may offer its plan for approval: only when the incident issue, read back after the run's
// writes, shows that plan's hash. Concurrent runs for one alert each make a plan (it holds its creation time);
// the issue keeps one of them, and a gated job refuses any other, so the others must not ask for approval.
import { findPlanHash } from './plan-hash.js';

export type PlanOffer =
  | { offered: true }
  /** `shown`: the hash the issue shows instead (undefined: none it can be read from). */
  | { offered: false; shown: string | undefined; notice: string };

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
