// Triage end to end: dist/index.js run as the runner would, against the sandbox (fake Azure via the proxy,
// fake GitHub via GITHUB_API_URL, OIDC through the fake token endpoint).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction, type RunResult } from '../sandbox/harness.js';
import { loadScenario, startSandbox, type Sandbox } from '../sandbox/index.js';
import { defenderAlertResource, dispatchEvent, responder } from './support.js';

const scenario = loadScenario('tor-reads-three-secrets');
const ALERT_NAME = scenario.azure.alerts![0]!.name;
const RESPONDER = responder(scenario);

function triage(sandbox: Sandbox, extra: Parameters<typeof runAction>[1] = {}): Promise<RunResult> {
  return runAction(sandbox, {
    job: 'triage',
    inputs: { mode: 'triage', 'azure-client-id': RESPONDER.appId, 'azure-tenant-id': scenario.azure.tenantId },
    event: dispatchEvent(defenderAlertResource(scenario)),
    timeoutMs: 90_000,
    ...extra,
  });
}

describe('triage through dist/index.js', () => {
  let sandbox: Sandbox;
  let first: RunResult;
  beforeAll(async () => {
    sandbox = await startSandbox(scenario);
    first = await triage(sandbox);
  }, 120_000);
  afterAll(async () => sandbox?.close());

  it('opens one issue with the findings, the plan and its hash, and sets every output', () => {
    expect(first.stderr).toBe('');
    expect(first.annotations.filter((a) => a.level === 'error')).toEqual([]);
    expect(first.exitCode).toBe(0);
    const issues = [...sandbox.github.issues.values()];
    expect(issues).toHaveLength(1);
    const issue = issues[0]!;
    expect(issue.title).toContain('kv-payments-prod');
    for (const secret of ['db-password', 'stripe-api-key', 'jwt-signing-secret']) expect(issue.body).toContain(secret);
    expect(issue.body).toContain(`Plan SHA-256: \`${first.outputs['plan-sha256']}\``);
    expect(issue.labels).toEqual(
      expect.arrayContaining(['kv-alert', 'severity:High', 'vault:kv-payments-prod', 'triaged']),
    );

    const o = first.outputs;
    expect(o['alert-id']).toBe(ALERT_NAME);
    expect(o['issue-number']).toBe(String(issue.number));
    expect(o['issue-url']).toMatch(/\/issues\/\d+$/);
    expect(JSON.parse(o['matched-rules']!)).toEqual(expect.any(Array));
    const plan = JSON.parse(o.plan!);
    expect(plan.alertId).toBe(ALERT_NAME);
    expect(o['plan-sha256']).toMatch(/^[0-9a-f]{64}$/);
    expect(o['needs-remediation']).toBe('true');
    expect(o['needs-rotation']).toBe('true');
    expect(JSON.parse(o.result!)).toMatchObject({ mode: 'triage', issue: { number: issue.number, created: true } });
    expect(first.summary).toContain('kv-payments-prod');
  });

  it('signs in to Azure with the GitHub OIDC token of the job (no secret)', () => {
    const entra = first.requests.filter((r) => r.service === 'entra');
    expect(entra.length).toBeGreaterThan(0);
    expect(entra.every((r) => r.status === 200)).toBe(true);
    expect(first.requests.some((r) => r.service === 'keyvault')).toBe(false);
  });

  it('a re-fired alert updates the same issue and comments, no second issue', async () => {
    const again = await triage(sandbox);
    expect(again.exitCode).toBe(0);
    expect([...sandbox.github.issues.values()]).toHaveLength(1);
    expect(sandbox.github.comments).toHaveLength(1);
    expect(JSON.parse(again.outputs.result!)).toMatchObject({ issue: { created: false } });
  }, 120_000);
});
