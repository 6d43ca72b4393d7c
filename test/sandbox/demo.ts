// `npm run demo`: the whole flow on the sandbox, through dist/index.js exactly as a GitHub runner runs it.
// A TOR exit node read three secrets from kv-payments-prod: triage opens the issue with the findings and the plan;
// a reviewer approves the remediate environment (firewall on), then the rotate environment (new secret versions,
// the versions read disabled); the issue records each gate and closes.
import { runJob } from '../e2e/support.js';
import { DEMO_SCENARIO, triageDemoAlert } from './demo-triage.js';
import type { RunResult } from './harness.js';
import { loadScenario, startSandbox } from './index.js';

const rule = (title: string) => `\n${'='.repeat(100)}\n${title}\n${'='.repeat(100)}`;

function check(step: string, r: RunResult): void {
  if (r.exitCode === 0) return;
  throw new Error(`${step} failed (exit ${r.exitCode}):\n${r.stdout}\n${r.stderr}`);
}

const scenario = loadScenario(DEMO_SCENARIO);
const sandbox = await startSandbox(scenario);
try {
  console.log(rule(`Scenario: ${scenario.description}`));
  const { triage, issue } = await triageDemoAlert(sandbox);
  console.log(rule(`Triage opened issue #${issue.number}: ${issue.title}`));
  console.log(`Labels: ${issue.labels.join(', ')}\n`);
  console.log(issue.body);
  console.log(rule('Outputs of the triage job'));
  for (const [name, value] of Object.entries(triage.outputs)) {
    if (name !== 'plan') console.log(`${name}: ${value}`);
  }

  const runId = scenario.github.runs?.[0]?.id ?? 1;
  const plan = triage.outputs.plan ?? '';
  for (const [gate, environment, reviewer] of [
    ['remediate', 'keyvault-remediation', 'alice-secops'],
    ['rotate', 'keyvault-rotation', 'bob-payments'],
  ] as const) {
    sandbox.github.addApproval(runId, { environments: [environment], state: 'approved', user: reviewer });
    console.log(rule(`${reviewer} approves environment ${environment}; the ${gate} job runs`));
    const r = await runJob(sandbox, gate, { plan });
    check(gate, r);
    const comment = sandbox.github.comments.filter((c) => c.issueNumber === issue.number).at(-1);
    console.log(comment?.body ?? '(no comment)');
  }

  const final = sandbox.github.issues.find((i) => i.number === issue.number)!;
  console.log(rule(`Issue #${final.number} is ${final.state}; labels: ${final.labels.join(', ')}`));
  const vault = sandbox.azure.vault('kv-payments-prod')!;
  console.log(rule('The vault afterwards'));
  const acls = vault.networkAcls;
  console.log(
    `Firewall: default action ${acls.defaultAction}; IP rules: ${acls.ipRules.map((r) => r.value).join(', ') || 'none'}`,
  );
  for (const [name, secret] of vault.secrets) {
    const versions = secret.versions.map((v) => `${v.version.slice(0, 8)}…${v.enabled ? '' : ' (disabled)'}`);
    console.log(`Secret ${name}: ${versions.join(', ')}`);
  }
} finally {
  await sandbox.close();
}
