// What the issue, the job summary and the re-fire comment are rendered from. Everything from the alert or from
// Azure is untrusted text; the owners come from the trusted playbook.
import type { Alert } from '../alert/types.js';
import type { Cloud } from '../azure/cloud.js';
import type { Findings } from '../findings/types.js';
import type { Plan } from '../plan/types.js';
import type { MatchResult } from '../playbook/match.js';
import type { Owners } from '../playbook/owners.js';

/** Another open incident issue of ours for the same vault or caller. */
export interface RelatedIncident {
  number: number;
  title: string;
}

export interface ReportInput {
  alert: Alert;
  findings: Findings;
  plan: Plan;
  /** SHA-256 of the plan's canonical JSON (planHash). */
  planSha256: string;
  match: Pick<MatchResult, 'rules' | 'labels'>;
  owners: Owners;
  cloud: Pick<Cloud, 'portal'>;
  related: RelatedIncident[];
  /** The triage run (built by us from the runner's environment), where the job summary is. */
  runUrl?: string;
}
