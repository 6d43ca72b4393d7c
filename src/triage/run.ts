// The triage engine: match the playbook, gather findings (in parallel), build the plan. No GitHub writes here:
// the mode renders the issue and decides whether to write it (dry runs do not).
import type { NormalizedAlert } from '../alert/normalize.js';
import type { AzureContext } from '../azure/context.js';
import { configuredConcurrency, runAll } from '../concurrency.js';
import type { Findings } from '../findings/types.js';
import { buildPlan } from '../plan/build.js';
import { planHash, sha256Hex } from '../plan/canonical.js';
import type { Plan } from '../plan/types.js';
import { matchAlert, ownersFor, type MatchResult, type Owners, type Playbook } from '../playbook/index.js';
import type { ServiceTagIndex } from '../source/ip-class.js';
import type { LogTable } from '../impact/kql.js';
import { measureImpact } from './impact.js';
import { identifySource } from './source.js';

export interface TriageInputs {
  normalized: NormalizedAlert;
  playbook: Playbook;
  playbookText: string;
  /** Undefined: Azure reads are skipped (--no-azure); findings come from the alert alone. */
  az?: AzureContext;
  /** The object id the action signs in as (never planned for removal). */
  selfObjectId?: string;
  /** Overrides settings.workspace-id and discovery. */
  workspaceId?: string;
  serviceTags?: ServiceTagIndex;
  now: Date;
}

export interface TriageOutcome {
  normalized: NormalizedAlert;
  match: MatchResult;
  findings: Findings;
  plan: Plan;
  planSha256: string;
  owners: Owners;
}

export async function runTriage(inputs: TriageInputs): Promise<TriageOutcome> {
  const { normalized, playbook, az } = inputs;
  const alert = normalized.alert;
  const match = matchAlert(playbook, alert);
  const impactStep = match.steps.find((s) => s.kind === 'measure-impact');

  const [source, impact] = await runAll(
    [
      // The vault state and the caller's access feed the report and every remediate step: always read.
      () =>
        identifySource(az, {
          alert,
          networks: playbook.networks,
          ...(inputs.serviceTags ? { serviceTags: inputs.serviceTags } : {}),
          ...(inputs.selfObjectId ? { selfObjectId: inputs.selfObjectId } : {}),
        }),
      async () =>
        impactStep?.kind === 'measure-impact'
          ? measureImpact(az, {
              alert,
              lookback: impactStep.params.lookback,
              tables: impactStep.params.tables as LogTable[],
              ...((inputs.workspaceId ?? playbook.settings.workspaceId)
                ? { workspaceId: inputs.workspaceId ?? playbook.settings.workspaceId }
                : {}),
            })
          : undefined,
    ] as const,
    configuredConcurrency(),
  );
  const findings: Findings = {
    source,
    ...(impact ? { impact } : {}),
  };
  const plan = buildPlan({
    alert,
    rules: match.matched,
    steps: match.steps,
    findings,
    playbookSha256: sha256Hex(inputs.playbookText),
    maxAge: playbook.settings.planMaxAge,
    now: inputs.now.toISOString(),
  });
  const secretNames =
    impact?.status === 'measured' ? impact.rows.filter((r) => r.objectType === 'secret').map((r) => r.objectName) : [];
  return {
    normalized,
    match,
    findings,
    plan,
    planSha256: planHash(plan),
    owners: ownersFor(playbook, alert.vault.name, secretNames),
  };
}
