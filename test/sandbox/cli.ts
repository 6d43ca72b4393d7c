// `npm run sandbox -- --scenario <name>`: runs the sandbox standalone and prints the environment variables that
// point the CLI (or any Azure SDK / Octokit program) at it. Stops on Ctrl+C.
import { parseArgs } from 'node:util';
import { listScenarios, loadScenario, startSandbox, type Sandbox } from './index.js';

const USAGE = `usage: npm run sandbox -- --scenario <name|file.json> [--job <name>] [--seed <n>]
       npm run sandbox -- --list`;

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The variables to export: the sandbox's own, plus Azure client-secret settings for DefaultAzureCredential. */
export function exportLines(sandbox: Sandbox, job: string | undefined): string[] {
  const vars: Record<string, string> = { ...sandbox.env(job) };
  const azure = sandbox.scenario.azure;
  vars.AZURE_TENANT_ID = azure.tenantId;
  vars.AZURE_SUBSCRIPTION_ID = azure.subscriptionId;
  const app = azure.identities?.find((i) => i.kind === 'app' && (i.clientSecrets?.length ?? 0) > 0);
  if (app?.appId && app.clientSecrets?.[0]) {
    vars.AZURE_CLIENT_ID = app.appId;
    vars.AZURE_CLIENT_SECRET = app.clientSecrets[0];
  }
  return Object.entries(vars).map(([name, value]) => `export ${name}=${shellQuote(value)}`);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string' },
      job: { type: 'string' },
      seed: { type: 'string' },
      list: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.list) {
    for (const name of listScenarios()) console.log(`${name}\t${loadScenario(name).description}`);
    return 0;
  }
  if (!values.scenario) {
    console.error(`error: --scenario is required (shipped: ${listScenarios().join(', ')})\n${USAGE}`);
    return 1;
  }
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && !Number.isInteger(seed)) {
    console.error(`error: --seed must be an integer, got '${values.seed}'`);
    return 1;
  }
  const scenario = loadScenario(values.scenario);
  const sandbox = await startSandbox(scenario, { seed });
  console.log(`# kv-alert-playbook sandbox: ${scenario.name}`);
  console.log(`# ${scenario.description}`);
  console.log('# Paste these into another shell, then run e.g. `node dist/cli.js triage --alert <file>`:');
  for (const line of exportLines(sandbox, values.job)) console.log(line);
  console.log('# Running. Ctrl+C stops it and prints the request log.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await sandbox.close();
  for (const r of sandbox.requests) {
    console.log(
      `${r.start.toFixed(0).padStart(8)}ms ${r.status} ${r.method} ${r.host}${r.path}${r.identity ? ` (${r.identity})` : ''}${r.fault ? ` [fault ${r.fault}]` : ''}`,
    );
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
