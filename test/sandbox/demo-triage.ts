// The demo's alert and its triage run, shared by `npm run demo` (test/sandbox/demo.ts) and the README picture
// (scripts/render-issue.mjs): the scenario's Defender alert dispatched to dist/index.js in triage mode.
import { defenderAlertResource, dispatchEvent, responder } from '../e2e/support.js';
import type { IssueRecord } from './github/state.js';
import { runAction, type RunResult } from './harness.js';
import type { Sandbox, SandboxScenario } from './index.js';

export const DEMO_SCENARIO = 'tor-reads-three-secrets';

/** Runs triage on the scenario's first alert; the issue it opened, or an error with the run's output. */
export async function triageDemoAlert(
  sandbox: Sandbox,
  scenario: SandboxScenario,
): Promise<{ triage: RunResult; issue: IssueRecord }> {
  const app = responder(scenario);
  const triage = await runAction(sandbox, {
    job: 'triage',
    inputs: { mode: 'triage', 'azure-client-id': app.appId, 'azure-tenant-id': scenario.azure.tenantId },
    event: dispatchEvent(defenderAlertResource(scenario)),
  });
  if (triage.exitCode !== 0) {
    throw new Error(`triage failed (exit ${triage.exitCode}):\n${triage.stdout}\n${triage.stderr}`);
  }
  const issue = sandbox.github.issues.find((i) => i.number === Number(triage.outputs['issue-number']));
  if (!issue) throw new Error('triage reported no issue');
  return { triage, issue };
}
