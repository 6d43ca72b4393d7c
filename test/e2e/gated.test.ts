// The whole flow as a workflow runs it: triage → (approval) remediate → (approval) rotate, each job a separate
// dist/index.js process with its own OIDC subject, the plan passed through the triage job's output.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../sandbox/harness.js';
import { loadScenario, startSandbox, type Sandbox } from '../sandbox/index.js';
import { runJob } from './support.js';

const scenario = loadScenario('tor-reads-three-secrets');
const RUN_ID = scenario.github.runs![0]!.id;
const READ = ['db-password', 'stripe-api-key', 'jwt-signing-secret'];

let sandbox: Sandbox;
let triage: RunResult;

const job = (name: 'triage' | 'remediate' | 'rotate', inputs: Record<string, string> = {}) =>
  runJob(sandbox, name, inputs);

const approve = (environment: string) =>
  sandbox.github.addApproval(RUN_ID, { environments: [environment], state: 'approved', user: 'alice-secops' });
const vault = () => sandbox.azure.vault('kv-payments-prod')!;
const issue = () => sandbox.github.issues.find((i) => i.number === Number(triage.outputs['issue-number']))!;
const snapshot = () => JSON.stringify({ vault: vault(), issue: issue(), comments: sandbox.github.comments });

beforeAll(async () => {
  sandbox = await startSandbox(scenario);
  triage = await job('triage');
  expect(triage.exitCode).toBe(0);
}, 180_000);
afterAll(async () => sandbox?.close());

describe('triage → remediate → rotate through dist/index.js', { timeout: 180_000 }, () => {
  it('refuses to remediate before the environment approved the run, changing nothing', async () => {
    const before = snapshot();
    const r = await job('remediate', { plan: triage.outputs.plan! });
    expect(r.exitCode).not.toBe(0);
    expect(r.annotations.find((a) => a.level === 'error')?.message).toMatch(/approv/i);
    expect(JSON.stringify(vault())).toBe(JSON.stringify(JSON.parse(before).vault));
  });

  it('refuses a plan that differs from the one the issue shows', async () => {
    const plan = JSON.parse(triage.outputs.plan!);
    plan.actions[0].params.after.ipRules.push('203.0.113.99');
    approve('keyvault-remediation');
    const r = await job('remediate', { plan: JSON.stringify(plan) });
    expect(r.exitCode).not.toBe(0);
    expect(r.annotations.find((a) => a.level === 'error')?.message).toMatch(/SHA-256|hash/i);
    expect(vault().networkAcls.defaultAction).toBe('Allow');
  });

  it('remediates after approval: the firewall is on and the issue says so; a re-run changes nothing', async () => {
    const r = await job('remediate', { plan: triage.outputs.plan! });
    expect(r.annotations.filter((a) => a.level === 'error')).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(vault().networkAcls.defaultAction).toBe('Deny');
    expect(issue().labels).toContain('contained');

    const before = JSON.stringify(vault());
    const again = await job('remediate', { plan: triage.outputs.plan! });
    expect(again.exitCode).toBe(0);
    expect(JSON.stringify(vault())).toBe(before);
  });

  it('rotates after approval: one new version per secret read, the read versions disabled, the issue closed', async () => {
    approve('keyvault-rotation');
    const before = new Map(READ.map((n) => [n, vault().secrets.get(n)!.versions.length]));
    const r = await job('rotate', { plan: triage.outputs.plan! });
    expect(r.annotations.filter((a) => a.level === 'error')).toEqual([]);
    expect(r.exitCode).toBe(0);
    for (const name of READ) {
      const versions = vault().secrets.get(name)!.versions;
      expect(versions).toHaveLength(before.get(name)! + 1);
      expect(versions.at(-1)!.enabled).toBe(true);
      expect(versions.filter((v) => !v.enabled).length).toBeGreaterThan(0);
    }
    expect(issue().state).toBe('closed');

    // Nothing the action wrote anywhere holds a generated value. `::add-mask::` is how the runner is told to
    // mask a value (the runner consumes that line, it is never shown): every generated value must be masked.
    const generated = READ.map((n) => vault().secrets.get(n)!.versions.at(-1)!.value);
    const maskLines = r.stdout.split('\n').filter((l) => l.startsWith('::add-mask::'));
    for (const value of generated) expect(maskLines).toContain(`::add-mask::${value}`);
    const written = [
      r.stdout
        .split('\n')
        .filter((l) => !l.startsWith('::add-mask::'))
        .join('\n'),
      r.stderr,
      JSON.stringify(r.outputs),
      r.summary,
      ...sandbox.github.issues.map((i) => `${i.title}\n${i.body}`),
      ...sandbox.github.comments.map((c) => c.body),
    ].join('\n');
    for (const value of generated) expect(written).not.toContain(value);

    const versionsAfter = READ.map((n) => vault().secrets.get(n)!.versions.length);
    const again = await job('rotate', { plan: triage.outputs.plan! });
    expect(again.exitCode).toBe(0);
    expect(READ.map((n) => vault().secrets.get(n)!.versions.length)).toEqual(versionsAfter);
  });
});
