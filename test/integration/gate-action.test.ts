// The remediate mode as the runner runs it: dist/index.js as a child process with INPUT_* variables, OIDC for the
// job's environment, GITHUB_RUN_ID for the approvals, and the `result` output. (Rebuild dist before running.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planHash } from '../../src/plan/canonical.js';
import { runAction } from '../sandbox/harness.js';
import { loadScenario, startSandbox, type Sandbox } from '../sandbox/index.js';
import { FIREWALL_ON, OPEN_FIREWALL, gatesPlaybook } from '../support/plans.js';
import { openIncident, torPlan } from '../e2e/support.js';

const scenario = loadScenario('tor-reads-three-secrets');
const PLAYBOOK = gatesPlaybook({ remediate: 'keyvault-remediation' });
const plan = torPlan(scenario, [FIREWALL_ON], {
  snapshot: { networkAcls: OPEN_FIREWALL },
  playbookSha256: 'd'.repeat(64),
});

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox(scenario);
  await openIncident(sandbox, plan);
});
afterAll(async () => sandbox?.close());

const remediate = (planText: string, job = 'remediate') =>
  runAction(sandbox, {
    inputs: {
      mode: 'remediate',
      plan: planText,
      environment: 'keyvault-remediation',
      'azure-client-id': 'aaaaaaaa-0000-4000-8000-0000000000a1',
      'azure-tenant-id': sandbox.scenario.azure.tenantId,
    },
    job,
    files: { '.github/kv-alert-playbook.yml': PLAYBOOK },
  });

describe('dist/index.js mode remediate', () => {
  it('refuses a plan the issue does not show, with one error line and no change', async () => {
    const r = await remediate(JSON.stringify({ ...plan, maxAge: 'P8D' }));
    expect(r.exitCode).toBe(1);
    expect(r.annotations.filter((a) => a.level === 'error').map((a) => a.message)).toEqual([
      expect.stringMatching(/^plan SHA-256 [0-9a-f]{64} differs from [0-9a-f]{64} shown in issue #\d+/),
    ]);
    expect(JSON.parse(r.outputs.result!)).toMatchObject({ mode: 'remediate', status: 'refused' });
    expect(r.azure.vaults.get('kv-payments-prod')!.networkAcls.defaultAction).toBe('Allow');
  }, 90_000);

  it('refuses in a job whose OIDC token names no environment (an approval elsewhere in the run does not count)', async () => {
    sandbox.github.addApproval(7001, {
      environments: ['keyvault-remediation'],
      state: 'approved',
      user: 'alice-secops',
    });
    const r = await remediate(JSON.stringify(plan), 'triage');
    expect(r.exitCode).toBe(1);
    expect(r.annotations.find((a) => a.level === 'error')?.message).toMatch(/^this job runs in no GitHub environment/);
    expect(r.azure.vaults.get('kv-payments-prod')!.networkAcls.defaultAction).toBe('Allow');
  }, 90_000);

  it('applies the approved plan and sets the result output', async () => {
    sandbox.github.addApproval(7001, {
      environments: ['keyvault-remediation'],
      state: 'approved',
      user: 'alice-secops',
    });
    const r = await remediate(JSON.stringify(plan));
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const result = JSON.parse(r.outputs.result!);
    expect(result).toMatchObject({
      mode: 'remediate',
      status: 'done',
      planSha256: planHash(plan),
      approval: { approved: true, approvedBy: ['alice-secops'] },
      actions: [{ id: 'remediate-1-firewall', status: 'applied' }],
      closed: true,
    });
    expect(r.outputs['issue-number']).toMatch(/^\d+$/);
    expect(r.azure.vaults.get('kv-payments-prod')!.networkAcls).toMatchObject({
      defaultAction: 'Deny',
      ipRules: [{ value: '198.51.100.10' }],
    });
  }, 90_000);
});
