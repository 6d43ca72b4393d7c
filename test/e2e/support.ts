// What the e2e tests and the demo send: a scenario's Defender alert as Defender's REST API returns it, wrapped
// in the repository_dispatch event the bridge sends.
import { upsertIncident } from '../../src/github/issues.js';
import { createOctokit } from '../../src/github/octokit.js';
import type { Logger } from '../../src/log.js';
import { planHash } from '../../src/plan/canonical.js';
import type { Plan, PlanAction } from '../../src/plan/types.js';
import { planHashLine } from '../../src/report/plan-hash.js';
import { runAction, type RunResult } from '../sandbox/harness.js';
import type { Sandbox } from '../sandbox/index.js';
import type { SandboxScenario } from '../sandbox/scenario.js';

export function defenderAlertResource(scenario: SandboxScenario, index = 0): Record<string, unknown> {
  const a = scenario.azure.alerts?.[index];
  if (!a) throw new Error(`scenario ${scenario.name} has no alert ${index}`);
  const sub = a.subscriptionId ?? scenario.azure.subscriptionId;
  const rg = a.resourceGroup ? `/resourceGroups/${a.resourceGroup}` : '';
  return {
    id: `/subscriptions/${sub}${rg}/providers/Microsoft.Security/locations/${a.location}/alerts/${a.name}`,
    name: a.name,
    type: 'Microsoft.Security/Locations/alerts',
    properties: { systemAlertId: a.name, status: 'Active', ...a.properties },
  };
}

export function dispatchEvent(alert: unknown): { name: string; payload: unknown } {
  return {
    name: 'repository_dispatch',
    payload: { action: 'defender-keyvault-alert', client_payload: { alert } },
  };
}

/** The responder identity of the shipped scenarios (the app the action signs in as through OIDC). */
export function responder(scenario: SandboxScenario): { appId: string; objectId: string } {
  const r = scenario.azure.identities?.find((i) => i.displayName === 'kv-alert-playbook');
  if (!r?.appId) throw new Error(`scenario ${scenario.name} has no kv-alert-playbook identity`);
  return { appId: r.appId, objectId: r.objectId };
}

/** Runs one job of the example workflow (triage, remediate or rotate) through dist/index.js for the scenario's alert. */
export function runJob(
  sandbox: Sandbox,
  name: 'triage' | 'remediate' | 'rotate',
  inputs: Record<string, string> = {},
  options: { timeoutMs?: number; env?: Record<string, string> } = {},
): Promise<RunResult> {
  const scenario = sandbox.scenario;
  const app = responder(scenario);
  return runAction(sandbox, {
    job: name,
    runId: scenario.github.runs?.[0]?.id ?? 1,
    inputs: { mode: name, 'azure-client-id': app.appId, 'azure-tenant-id': scenario.azure.tenantId, ...inputs },
    event: dispatchEvent(defenderAlertResource(scenario)),
    timeoutMs: options.timeoutMs ?? 120_000,
    ...(options.env ? { env: options.env } : {}),
  });
}

/** A plan for the scenario's alert and vault kv-payments-prod, as triage would write it, with the given actions. */
export function torPlan(scenario: SandboxScenario, actions: PlanAction[], overrides: Partial<Plan> = {}): Plan {
  const sub = scenario.azure.subscriptionId;
  return {
    format: 1,
    alertId: scenario.azure.alerts![0]!.name,
    alertType: 'KV_TORAccess',
    vault: {
      resourceId: `/subscriptions/${sub}/resourceGroups/rg-payments/providers/Microsoft.KeyVault/vaults/kv-payments-prod`,
      name: 'kv-payments-prod',
      subscriptionId: sub,
      resourceGroup: 'rg-payments',
    },
    createdAt: new Date(Date.now() - 60_000).toISOString(),
    maxAge: 'P7D',
    playbookSha256: 'c'.repeat(64),
    rules: ['access-from-suspicious-ip'],
    snapshot: {},
    actions,
    notPlanned: [],
    ...overrides,
  };
}

const silent: Logger = { debug() {}, info() {}, warning() {}, error() {} };

/**
 * The incident issue triage would have opened for the plan (its hash line), written as the action's identity;
 * returns its number.
 */
export async function openIncident(sandbox: Sandbox, plan: Plan): Promise<number> {
  const gh = createOctokit(sandbox.actionToken, silent, sandbox.githubUrl);
  const { issue } = await upsertIncident(
    gh,
    { owner: sandbox.scenario.github.owner, repo: sandbox.scenario.github.repo },
    plan.alertId,
    { title: 'incident', body: planHashLine(planHash(plan)), labels: ['kv-alert', 'triaged'], assignees: [] },
    { trustedLogin: 'github-actions[bot]', reopenClosed: true, refireComment: () => 'again' },
  );
  return issue.number;
}

/** A reviewer approves the scenario's run for an environment. */
export function approve(sandbox: Sandbox, environment: string): void {
  sandbox.github.addApproval(sandbox.scenario.github.runs?.[0]?.id ?? 1, {
    environments: [environment],
    state: 'approved',
    user: 'alice-secops',
  });
}
