// The remediate mode as the runner runs it: dist/index.js as a child process with INPUT_* variables, OIDC for the
// job's environment, GITHUB_RUN_ID for the approvals, and the `result` output. (Rebuild dist before running.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertIncident } from '../../src/github/issues.js';
import { createOctokit } from '../../src/github/octokit.js';
import type { Logger } from '../../src/log.js';
import { planHash } from '../../src/plan/canonical.js';
import type { Plan } from '../../src/plan/types.js';
import { planHashLine } from '../../src/report/plan-hash.js';
import { runAction } from '../sandbox/harness.js';
import { loadScenario, startSandbox, type Sandbox } from '../sandbox/index.js';
import { FIREWALL_ON, OPEN_FIREWALL } from '../support/plans.js';

const SUB = '0b1f6471-1bf0-4dda-aec3-cb9272f09590';
const VAULT = `/subscriptions/${SUB}/resourceGroups/rg-payments/providers/Microsoft.KeyVault/vaults/kv-payments-prod`;
const silent: Logger = { debug() {}, info() {}, warning() {}, error() {} };
const PLAYBOOK = [
  'version: 1',
  'settings:',
  '  gates:',
  '    remediate: { environment: keyvault-remediation }',
  'rules:',
  '  - name: all',
  '    steps: [identify-source]',
  '',
].join('\n');

const plan: Plan = {
  format: 1,
  alertId: '2517538088322968242_tor-0001',
  alertType: 'KV_TORAccess',
  vault: { resourceId: VAULT, name: 'kv-payments-prod', subscriptionId: SUB, resourceGroup: 'rg-payments' },
  createdAt: new Date(Date.now() - 60_000).toISOString(),
  maxAge: 'P7D',
  playbookSha256: 'd'.repeat(64),
  rules: ['access-from-suspicious-ip'],
  snapshot: { networkAcls: OPEN_FIREWALL },
  actions: [FIREWALL_ON],
  notPlanned: [],
};

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox(loadScenario('tor-reads-three-secrets'));
  const gh = createOctokit(sandbox.actionToken, silent, sandbox.githubUrl);
  await upsertIncident(
    gh,
    { owner: 'contoso', repo: 'secops' },
    plan.alertId,
    { title: 'incident', body: planHashLine(planHash(plan)), labels: ['kv-alert', 'triaged'], assignees: [] },
    { trustedLogin: 'github-actions[bot]', reopenClosed: true, refireComment: () => 'again' },
  );
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
