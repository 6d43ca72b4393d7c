// Access-policy vaults: the remediate gate removes the caller's entry (never the action's own), and rollback
// restores the snapshot, refusing to overwrite a later change unless forced. Real clients against the sandbox.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AzureContext } from '../../src/azure/context.js';
import type { AccessPolicyEntry } from '../../src/findings/types.js';
import { upsertIncident, type RepoRef } from '../../src/github/issues.js';
import { createOctokit, type Octokit } from '../../src/github/octokit.js';
import type { Logger } from '../../src/log.js';
import { runGate } from '../../src/modes/gated.js';
import { applyRemediateGate } from '../../src/modes/remediate.js';
import { rollback } from '../../src/modes/rollback.js';
import { planHash } from '../../src/plan/canonical.js';
import type { Plan } from '../../src/plan/types.js';
import { planHashLine } from '../../src/report/plan-hash.js';
import { loadScenario, startSandbox, type Sandbox } from '../sandbox/index.js';
import { FIREWALL_ON, OPEN_FIREWALL, gatesPlaybook } from '../support/plans.js';
import { responderAzure } from '../support/azure.js';

const SUB = '0b1f6471-1bf0-4dda-aec3-cb9272f09590';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const VAULT = `/subscriptions/${SUB}/resourceGroups/rg-tools/providers/Microsoft.KeyVault/vaults/kv-legacy-tools`;
const AGENT = '1a2b3c4d-0000-4000-8000-0000000000d4';
const SELF = '1a2b3c4d-0000-4000-8000-0000000000a1';
const repo: RepoRef = { owner: 'contoso', repo: 'secops' };
const silent: Logger = { debug() {}, info() {}, warning() {}, error() {} };

const dir = mkdtempSync(join(tmpdir(), 'kv-rollback-'));
const PLAYBOOK = join(dir, 'playbook.yml');
writeFileSync(PLAYBOOK, gatesPlaybook({ remediate: 'keyvault-remediation' }));

const entry = (objectId: string, secrets: string[]): AccessPolicyEntry => ({
  tenantId: TENANT,
  objectId,
  permissions: { keys: [], secrets, certificates: [], storage: [] },
});

function planFor(objectId: string, secrets: string[]): Plan {
  return {
    format: 1,
    alertId: '2517538088322968242_app-0003',
    alertType: 'KV_SuspiciousIPAccess',
    vault: { resourceId: VAULT, name: 'kv-legacy-tools', subscriptionId: SUB, resourceGroup: 'rg-tools' },
    createdAt: new Date(Date.now() - 60_000).toISOString(),
    maxAge: 'P7D',
    playbookSha256: 'b'.repeat(64),
    rules: ['access-from-suspicious-ip'],
    snapshot: {
      networkAcls: OPEN_FIREWALL,
      accessPolicy: entry(objectId, secrets),
      roleAssignments: [],
    },
    actions: [
      FIREWALL_ON,
      {
        id: 'remediate-2-revoke-access',
        kind: 'revoke-access',
        gate: 'remediate',
        params: { objectId, mode: 'remove', accessPolicyAfter: null },
        reason: "rule access-from-suspicious-ip: remove the principal's access-policy entry",
      },
    ],
    notPlanned: [],
  };
}

let sandbox: Sandbox;
let az: AzureContext;
let gh: Octokit;

beforeEach(async () => {
  const scenario = loadScenario('no-diagnostic-settings');
  sandbox = await startSandbox(scenario);
  az = responderAzure(sandbox);
  gh = createOctokit(sandbox.actionToken, silent, sandbox.githubUrl);
  sandbox.github.addApproval(7001, { environments: ['keyvault-remediation'], state: 'approved', user: 'alice-secops' });
});
afterEach(async () => sandbox?.close());

async function openIssue(plan: Plan): Promise<number> {
  const { issue } = await upsertIncident(
    gh,
    repo,
    plan.alertId,
    { title: 'incident', body: planHashLine(planHash(plan)), labels: ['kv-alert', 'triaged'], assignees: [] },
    { trustedLogin: 'github-actions[bot]', reopenClosed: true, refireComment: () => 'again' },
  );
  return issue.number;
}

const remediate = (plan: Plan) =>
  runGate(
    {
      gate: 'remediate',
      planText: JSON.stringify(plan),
      planSource: 'test plan',
      playbookPath: PLAYBOOK,
      dryRun: false,
      github: { gh, repo, runId: 7001 },
      az,
      log: silent,
    },
    applyRemediateGate,
  );

const undo = (plan: Plan, force = false) =>
  rollback({
    planText: JSON.stringify(plan),
    planSource: 'test plan',
    force,
    dryRun: false,
    github: { gh, repo },
    az,
    log: silent,
  });

const vault = () => sandbox.azure.vaults.get('kv-legacy-tools')!;
const policyOf = (objectId: string) => vault().accessPolicies.find((p) => p.objectId === objectId);

describe('access-policy vault', () => {
  it('removes the caller entry; rollback restores the entry and the firewall and reopens the issue', async () => {
    const plan = planFor(AGENT, ['get', 'list']);
    const issue = await openIssue(plan);
    const done = await remediate(plan);
    expect(done.actions.map((a) => a.status)).toEqual(['applied', 'applied']);
    expect(policyOf(AGENT)).toBeUndefined();
    expect(policyOf(SELF)?.permissions.secrets).toContain('set');
    expect(vault().networkAcls.defaultAction).toBe('Deny');

    const restored = await undo(plan);
    expect(restored.results.map((r) => r.status)).toEqual(['applied', 'applied']);
    expect(policyOf(AGENT)?.permissions.secrets).toEqual(['get', 'list']);
    expect(vault().networkAcls).toMatchObject({ defaultAction: 'Allow', ipRules: [] });
    const record = sandbox.github.issues.find((i) => i.number === issue)!;
    expect(record.state).toBe('open');
    expect(record.labels).not.toContain('contained');
    expect(sandbox.github.comments.at(-1)!.body).toMatch(/^### Remediate gate rolled back/);

    expect((await undo(plan)).results.map((r) => r.status)).toEqual(['already-done', 'already-done']);
  }, 60_000);

  it('rollback lists a later change and overwrites it only with force', async () => {
    const plan = planFor(AGENT, ['get', 'list']);
    await openIssue(plan);
    await remediate(plan);
    vault().networkAcls.ipRules.push({ value: '203.0.113.50' });

    const refused = await undo(plan);
    expect(refused.results[0]).toMatchObject({ status: 'refused' });
    expect(refused.results[0]!.drift).toEqual([
      {
        field: 'networkAcls.ipRules',
        snapshot: '198.51.100.10',
        now: '198.51.100.10, 203.0.113.50',
        planned: '(none)',
      },
    ]);
    expect(vault().networkAcls.ipRules).toEqual([{ value: '198.51.100.10' }, { value: '203.0.113.50' }]);

    const forced = await undo(plan, true);
    expect(forced.results[0]).toMatchObject({ status: 'applied' });
    expect(forced.results[0]!.notes[0]).toMatch(/^forced: overwrote later changes/);
    expect(vault().networkAcls).toMatchObject({ defaultAction: 'Allow', ipRules: [] });
  }, 60_000);

  it("never removes the action's own entry", async () => {
    const plan = planFor(SELF, ['get', 'list', 'set', 'delete', 'recover']);
    plan.actions = plan.actions.filter((a) => a.kind === 'revoke-access');
    await openIssue(plan);
    const outcome = await remediate(plan);
    expect(outcome.status).toBe('incomplete');
    expect(outcome.actions[0]).toMatchObject({ status: 'refused', message: expect.stringContaining('own identity') });
    expect(policyOf(SELF)).toBeDefined();
  });
});
