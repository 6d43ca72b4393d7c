// `npm run demo`: the whole flow on the sandbox, through dist/index.js exactly as a GitHub runner runs it.
// A TOR exit node read three secrets from kv-payments-prod; triage opens the issue with the findings and plan.
import { DEMO_SCENARIO, triageDemoAlert } from './demo-triage.js';
import { loadScenario, startSandbox } from './index.js';

const rule = (title: string) => `\n${'='.repeat(100)}\n${title}\n${'='.repeat(100)}`;

const scenario = loadScenario(DEMO_SCENARIO);
const sandbox = await startSandbox(scenario);
try {
  console.log(rule(`Scenario: ${scenario.description}`));
  const { triage, issue } = await triageDemoAlert(sandbox, scenario);
  console.log(rule(`Issue #${issue.number}: ${issue.title}`));
  console.log(`Labels: ${issue.labels.join(', ')}\n`);
  console.log(issue.body);
  console.log(rule(`Plan (sha256 ${triage.outputs['plan-sha256']})`));
  console.log(JSON.stringify(JSON.parse(triage.outputs.plan ?? '{}'), null, 2));
  console.log(rule('Outputs'));
  for (const [name, value] of Object.entries(triage.outputs)) {
    if (name !== 'plan') console.log(`${name}: ${value}`);
  }
} finally {
  await sandbox.close();
}
