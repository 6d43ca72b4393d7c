// Shared by the reliability suites: one triage run of a shipped scenario through dist/index.js, what a
// consistent end state is (no issue, or one issue whose body is complete with its plan hash line), and the scan
// of every byte the action wrote for secret values and tokens.
import { runAction, type RunResult } from '../sandbox/harness.js';
import { loadScenario, startSandbox, type FaultRule, type Sandbox } from '../sandbox/index.js';
import type { SandboxScenario } from '../sandbox/scenario.js';
import type { Plan } from '../../src/plan/types.js';
import { approve, defenderAlertResource, dispatchEvent, openIncident, responder, runJob } from '../e2e/support.js';

export const SCENARIO = 'tor-reads-three-secrets';

/** The harness's bound on one run: a run still going after this is killed and counted as hung. */
export const RUN_BOUND_MS = 45_000;

export function scenario(edit: (s: SandboxScenario) => void = () => {}): SandboxScenario {
  const s = structuredClone(loadScenario(SCENARIO));
  edit(s);
  return s;
}

export function triage(
  sandbox: Sandbox,
  timeoutMs = RUN_BOUND_MS,
  env: Record<string, string> = {},
): Promise<RunResult> {
  const s = sandbox.scenario;
  const r = responder(s);
  return runAction(sandbox, {
    job: 'triage',
    inputs: { mode: 'triage', 'azure-client-id': r.appId, 'azure-tenant-id': s.azure.tenantId },
    event: dispatchEvent(defenderAlertResource(s)),
    timeoutMs,
    env,
  });
}

export type Gate = 'remediate' | 'rotate';

/** The scenario's protected environment of each gate (the example workflow's). */
export const GATE_ENVIRONMENT: Record<Gate, string> = {
  remediate: 'keyvault-remediation',
  rotate: 'keyvault-rotation',
};

/**
 * KV_ALERT_PLAYBOOK_REQUEST_TIMEOUT_MS for the gated runs and the fault matrix: low enough that a call that never
 * answers fails well inside RUN_BOUND_MS (its retries included), so a hang is a failure the run reports, not a
 * killed job.
 */
export const REQUEST_TIMEOUT_MS = 5_000;

/** What triage and a reviewer leave before a gated job: the incident issue showing the plan, the run approved. */
export async function approvedIncident(sandbox: Sandbox, gate: Gate, plan: Plan): Promise<void> {
  await openIncident(sandbox, plan);
  approve(sandbox, GATE_ENVIRONMENT[gate]);
}

/**
 * One gated job for the plan through dist/index.js, bounded like every reliability run, with REQUEST_TIMEOUT_MS
 * unless `requestTimeoutMs` says otherwise (a run without faults is better off with the product's default: on a
 * loaded machine a few seconds can pass between a request and the child reading its answer).
 */
export function gatedRun(
  sandbox: Sandbox,
  gate: Gate,
  plan: Plan,
  options: { timeoutMs?: number; requestTimeoutMs?: number } = {},
): Promise<RunResult> {
  const requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  return runJob(
    sandbox,
    gate,
    { plan: JSON.stringify(plan) },
    {
      timeoutMs: options.timeoutMs ?? RUN_BOUND_MS,
      env: { KV_ALERT_PLAYBOOK_REQUEST_TIMEOUT_MS: String(requestTimeoutMs) },
    },
  );
}

export async function withSandbox<T>(
  s: SandboxScenario,
  faults: FaultRule[],
  body: (sandbox: Sandbox) => Promise<T>,
): Promise<T> {
  const sandbox = await startSandbox(s, { faults });
  try {
    return await body(sandbox);
  } finally {
    await sandbox.close();
  }
}

/** A route of the fake services: the requests a fault rule matches. */
export interface Route {
  name: string;
  service: NonNullable<FaultRule['service']>;
  method: string;
  path: RegExp;
}

/**
 * The faults of the matrices. Transient ones hit the first two requests of the route (a hang the first one);
 * persistent ones every request, so retries cannot win and the run must fail clearly or carry on without what
 * that route gives.
 */
export const FAULTS: { name: string; fault: FaultRule['fault']; first?: number }[] = [
  { name: '429 Retry-After 1', fault: { kind: 'status', status: 429, retryAfterSeconds: 1 }, first: 2 },
  { name: '429 no Retry-After', fault: { kind: 'status', status: 429 }, first: 2 },
  { name: '500', fault: { kind: 'status', status: 500 }, first: 2 },
  { name: '503', fault: { kind: 'status', status: 503 }, first: 2 },
  { name: 'reset', fault: { kind: 'reset' }, first: 2 },
  { name: 'hang', fault: { kind: 'hang' }, first: 1 },
  { name: '500 always', fault: { kind: 'status', status: 500 } },
  { name: 'reset always', fault: { kind: 'reset' } },
];

export type RunVerdict =
  | { kind: 'completed' }
  | { kind: 'failed-clearly'; message: string }
  /** One line, but it does not say which service failed (a user cannot tell GitHub from Azure). */
  | { kind: 'failed-unclearly'; message: string }
  | { kind: 'hung' }
  | { kind: 'bad'; why: string };

const PLAN_HASH_LINE = /^Plan SHA-256: `([0-9a-f]{64})`$/m;

/**
 * A run either completed (exit 0, one issue carrying the plan hash it output) or failed with a clear one-line
 * error annotation and left no issue or one complete issue; a run the harness had to kill is `hung`.
 */
export function verdict(run: RunResult, sandbox: Sandbox): RunVerdict {
  return classify(run, issueProblem(run, sandbox));
}

/** What is wrong with the issues a triage run left, or undefined. */
function issueProblem(run: RunResult, sandbox: Sandbox): string | undefined {
  // Closed issues are allowed: concurrent runs may each create one and close all but the first as duplicates.
  const issues = [...sandbox.github.issues.values()].filter((i) => i.state === 'open');
  if (issues.length > 1) return `${issues.length} open issues for one alert`;
  const issue = issues[0];
  const hash = issue?.body ? PLAN_HASH_LINE.exec(issue.body)?.[1] : undefined;
  if (issue && !hash) return 'an issue without its plan hash line (half-written)';
  if (run.timedOut || run.exitCode !== 0) return undefined;
  if (!issue) return 'exit 0 without an issue';
  if (hash !== run.outputs['plan-sha256']) return 'the issue shows another plan hash';
  return undefined;
}

/**
 * Classifies a run given what is wrong with the end state it left (`problem`; undefined when consistent): exit 0
 * is `completed`; a run the harness killed is `hung`; otherwise it must have failed with exactly one one-line error
 * annotation and no stack trace, naming the service that failed (`failed-clearly`) or not (`failed-unclearly`).
 */
export function classify(run: RunResult, problem: string | undefined): RunVerdict {
  if (problem) return { kind: 'bad', why: problem };
  if (run.timedOut) return { kind: 'hung' };
  if (run.exitCode === 0) return { kind: 'completed' };
  const errors = run.annotations.filter((a) => a.level === 'error').map((a) => a.message);
  if (errors.length !== 1) return { kind: 'bad', why: `exit ${run.exitCode} with ${errors.length} error annotations` };
  const message = errors[0]!;
  if (/[\r\n]/.test(message) || message.length > 400) return { kind: 'bad', why: `unclear error: ${message}` };
  if (/\n\s+at /.test(run.stderr + run.stdout)) return { kind: 'bad', why: 'a stack trace in the output' };
  return SERVICE_NAMED.test(message.replace(/\bhttps?:\/\/\S+/g, ''))
    ? { kind: 'failed-clearly', message }
    : { kind: 'failed-unclearly', message };
}

const SERVICE_NAMED = /\b(GitHub|Azure|Entra|Log Analytics|Key Vault|OIDC|ARM)\b/i;

/** Every secret value the sandbox holds (scenario and any written during the run) and every credential. */
export function secretValues(sandbox: Sandbox): string[] {
  const values = new Set<string>([sandbox.actionToken]);
  for (const vault of sandbox.azure.vaults.values()) {
    for (const secret of vault.secrets.values()) for (const v of secret.versions) values.add(v.value);
    for (const deleted of vault.deletedSecrets.values()) for (const v of deleted.object.versions) values.add(v.value);
  }
  for (const identity of sandbox.scenario.azure.identities ?? []) {
    for (const s of identity.clientSecrets ?? []) values.add(s);
  }
  for (const token of sandbox.github.tokens.keys()) values.add(token);
  return [...values].filter((v) => v.length >= 8);
}

/** JWTs: every access token of the fake Entra and every OIDC token of the fake GitHub is one. */
const JWT = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/;

/** Where a secret value or a token appears in what the action wrote (stdout, stderr, outputs, summary, GitHub). */
export function leaks(runs: RunResult[], sandbox: Sandbox): string[] {
  const places: [string, string][] = [];
  runs.forEach((run, i) => {
    // `::add-mask::<value>` is the command that tells the runner to mask a value in the log (@actions/core
    // getIDToken sends it for the OIDC token); the runner consumes it and never shows it.
    const stdout = run.stdout.replace(/^::add-mask::.*$/gm, '');
    places.push([`run ${i} stdout`, stdout], [`run ${i} stderr`, run.stderr], [`run ${i} summary`, run.summary]);
    for (const [name, value] of Object.entries(run.outputs)) places.push([`run ${i} output ${name}`, value]);
  });
  for (const issue of sandbox.github.issues.values()) {
    places.push([`issue ${issue.number}`, `${issue.title}\n${issue.body ?? ''}\n${issue.labels.join('\n')}`]);
  }
  for (const comment of sandbox.github.comments) places.push([`comment ${comment.id}`, comment.body]);
  const secrets = secretValues(sandbox);
  const found: string[] = [];
  for (const [where, text] of places) {
    for (const secret of secrets)
      if (text.includes(secret)) found.push(`${where}: a secret value (${secret.length} chars)`);
    if (JWT.test(text)) found.push(`${where}: a JWT`);
  }
  return found;
}

export { responder, type RunResult, type Sandbox, type FaultRule };
