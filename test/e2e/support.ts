// What the e2e tests and the demo send: a scenario's Defender alert as Defender's REST API returns it, wrapped
// in the repository_dispatch event the bridge sends.
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
