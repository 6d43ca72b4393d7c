// The demo's alert and its triage run, shared by `npm run demo` (test/sandbox/demo.ts) and the README picture
// (scripts/render-issue.mjs): the scenario's Defender alert dispatched to dist/index.js in triage mode.
import { runJob } from '../e2e/support.js';
import type { IssueRecord } from './github/state.js';
import type { RunResult } from './harness.js';
import type { Sandbox } from './index.js';

export const DEMO_SCENARIO = 'tor-reads-three-secrets';

/** Runs triage on the scenario's first alert; the issue it opened, or an error with the run's output. */
export async function triageDemoAlert(sandbox: Sandbox): Promise<{ triage: RunResult; issue: IssueRecord }> {
  const triage = await runJob(sandbox, 'triage');
  if (triage.exitCode !== 0) {
    throw new Error(`triage failed (exit ${triage.exitCode}):\n${triage.stdout}\n${triage.stderr}`);
  }
  const issue = sandbox.github.issues.find((i) => i.number === Number(triage.outputs['issue-number']));
  if (!issue) throw new Error('triage reported no issue');
  return { triage, issue };
}
