// The remediate gate end to end in-process: the real Octokit and Azure SDK clients against the sandbox. A plan
// is applied only when its hash matches the issue, the run is approved for a protected environment, Defender
// has the alert and the plan is fresh; drift refuses; re-running changes nothing.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AzureContext } from '../../src/azure/context.js';
import { listPrincipalRoleAssignments } from '../../src/azure/roles.js';
import { upsertIncident, type RepoRef } from '../../src/github/issues.js';
import { createOctokit, type Octokit } from '../../src/github/octokit.js';
import type { Logger } from '../../src/log.js';
import { GateRefused } from '../../src/gate/verify.js';
import { runGate, type GateRun } from '../../src/modes/gated.js';
import { applyRemediateGate } from '../../src/modes/remediate.js';
import { planHash } from '../../src/plan/canonical.js';
import type { Plan } from '../../src/plan/types.js';
import { planHashLine } from '../../src/report/plan-hash.js';
import { loadScenario, startSandbox, type Sandbox } from '../sandbox/index.js';
import { FIREWALL_ON, OPEN_FIREWALL } from '../support/plans.js';
import { responderAzure } from '../support/azure.js';

const SUB = '0b1f6471-1bf0-4dda-aec3-cb9272f09590';
const TOR_VAULT = `/subscriptions/${SUB}/resourceGroups/rg-payments/providers/Microsoft.KeyVault/vaults/kv-payments-prod`;
const TOR_CALLER = '1a2b3c4d-0000-4000-8000-0000000000b2';
const TOR_ALERT = '2517538088322968242_tor-0001';
const repo: RepoRef = { owner: 'contoso', repo: 'secops' };
const silent: Logger = { debug() {}, info() {}, warning() {}, error() {} };
const RUN_ID = 7001;

function playbookFile(gates: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kv-gate-'));
  const path = join(dir, 'playbook.yml');
  writeFileSync(
    path,
    `version: 1\nsettings:\n  gates:\n${gates}\nrules:\n  - name: all\n    steps: [identify-source]\n`,
  );
  return path;
}
const PLAYBOOK = playbookFile('    remediate: { environment: keyvault-remediation }');

let sandbox: Sandbox;
let az: AzureContext;
let gh: Octokit;
afterEach(async () => sandbox?.close());

async function start(name: string): Promise<void> {
  const scenario = loadScenario(name);
  sandbox = await startSandbox(scenario);
  az = responderAzure(sandbox);
  gh = createOctokit(sandbox.actionToken, silent, sandbox.githubUrl);
}

const approve = (environment = 'keyvault-remediation') =>
  sandbox.github.addApproval(RUN_ID, { environments: [environment], state: 'approved', user: 'alice-secops' });

/** The incident issue as triage leaves it: our marker and the plan hash line. */
async function openIssue(plan: Plan, shownHash = planHash(plan)) {
  const { issue } = await upsertIncident(
    gh,
    repo,
    plan.alertId,
    {
      title: 'incident',
      body: `Findings…\n\n${planHashLine(shownHash)}\n`,
      labels: ['kv-alert', 'triaged'],
      assignees: [],
    },
    { trustedLogin: 'github-actions[bot]', reopenClosed: true, refireComment: () => 'again' },
  );
  return issue;
}

function run(plan: Plan, over: Partial<GateRun> = {}) {
  return runGate(
    {
      gate: 'remediate',
      planText: JSON.stringify(plan),
      planSource: 'test plan',
      playbookPath: PLAYBOOK,
      dryRun: false,
      github: { gh, repo, runId: RUN_ID },
      az,
      log: silent,
      ...over,
    },
    applyRemediateGate,
  );
}

async function torPlan(overrides: Partial<Plan> = {}): Promise<Plan> {
  const assignments = (await listPrincipalRoleAssignments(az, TOR_VAULT, TOR_CALLER)).vault;
  return {
    format: 1,
    alertId: TOR_ALERT,
    alertType: 'KV_TORAccess',
    vault: { resourceId: TOR_VAULT, name: 'kv-payments-prod', subscriptionId: SUB, resourceGroup: 'rg-payments' },
    createdAt: new Date(Date.now() - 3_600_000).toISOString(),
    maxAge: 'P7D',
    playbookSha256: 'a'.repeat(64),
    rules: ['access-from-suspicious-ip'],
    snapshot: {
      networkAcls: OPEN_FIREWALL,
      accessPolicy: null,
      roleAssignments: assignments,
    },
    actions: [
      FIREWALL_ON,
      {
        id: 'remediate-2-revoke-access',
        kind: 'revoke-access',
        gate: 'remediate',
        params: { objectId: TOR_CALLER, mode: 'remove', deleteRoleAssignments: assignments },
        reason: 'rule access-from-suspicious-ip: remove the role assignments',
      },
    ],
    notPlanned: [],
    ...overrides,
  };
}

/** The vault's firewall and the caller's role assignments, as the fake holds them. */
function azureState(): string {
  const vault = sandbox.azure.vaults.get('kv-payments-prod')!;
  return JSON.stringify({
    acls: vault.networkAcls,
    policies: vault.accessPolicies,
    assignments: sandbox.azure.roleAssignments.filter((a) => a.principalId === TOR_CALLER),
  });
}

const issueRecord = (n: number) => sandbox.github.issues.find((i) => i.number === n)!;

const armWrites = () =>
  sandbox.requests.filter((r) => r.service === 'arm' && ['PUT', 'PATCH', 'DELETE', 'POST'].includes(r.method));

describe('remediate gate', () => {
  it('applies the firewall and the access removal once, records it and closes the issue; a re-run changes nothing', async () => {
    await start('tor-reads-three-secrets');
    const plan = await torPlan();
    const issue = await openIssue(plan);
    approve();

    const first = await run(plan);
    expect(first.status).toBe('done');
    expect(first.actions.map((a) => a.status)).toEqual(['applied', 'applied']);
    expect(first.approval).toMatchObject({ approved: true, approvedBy: ['alice-secops'] });
    const vault = sandbox.azure.vaults.get('kv-payments-prod')!;
    expect(vault.networkAcls).toMatchObject({ defaultAction: 'Deny', ipRules: [{ value: '198.51.100.10' }] });
    expect(sandbox.azure.roleAssignments.filter((a) => a.principalId === TOR_CALLER)).toEqual([]);
    // The action's own assignments are untouched.
    expect(sandbox.azure.roleAssignments.some((a) => a.principalId === '1a2b3c4d-0000-4000-8000-0000000000a1')).toBe(
      true,
    );

    const record = issueRecord(issue.number);
    expect(record.state).toBe('closed');
    expect(record.labels.sort()).toEqual(['contained', 'kv-alert', 'resolved']);
    const comments = sandbox.github.comments.filter((c) => c.issueNumber === issue.number);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('Approved for environment `keyvault-remediation` by alice-secops');
    expect(comments[0]!.body).toContain('kv-alert-playbook rollback --plan plan.json --gate remediate');
    expect(comments[0]!.body).toMatch(/`defaultAction Allow, [^`]*` \| `defaultAction Deny, [^`]*198\.51\.100\.10/);

    const writes = armWrites().length;
    const state = azureState();
    const second = await run(plan);
    expect(second.status).toBe('done');
    expect(second.actions.map((a) => a.status)).toEqual(['already-done', 'already-done']);
    expect(armWrites()).toHaveLength(writes);
    expect(azureState()).toBe(state);
  }, 60_000);

  describe('refuses before any change', () => {
    async function expectRefused(plan: Plan, message: RegExp, over: Partial<GateRun> = {}) {
      const before = azureState();
      const refusal = await run(plan, over).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refusal).toBeInstanceOf(GateRefused);
      expect((refusal as Error).message).toMatch(message);
      expect(azureState()).toBe(before);
      expect(armWrites()).toEqual([]);
    }

    it('when the plan differs from the one the issue shows', async () => {
      await start('tor-reads-three-secrets');
      const plan = await torPlan();
      const issue = await openIssue(plan, planHash({ ...plan, createdAt: '2026-11-01T00:00:00.000Z' }));
      approve();
      await expectRefused(plan, /differs from .* shown in issue #\d+: this is not the plan the reviewer saw/);
      const comments = sandbox.github.comments.filter((c) => c.issueNumber === issue.number);
      expect(comments[0]!.body).toMatch(/^### Remediate gate refused\n\nNothing was changed: plan SHA-256/);
    });

    it('without an approval for the environment, or with only a rejection', async () => {
      await start('tor-reads-three-secrets');
      const plan = await torPlan();
      await openIssue(plan);
      approve('keyvault-rotation');
      await expectRefused(plan, /run 7001 was not approved for environment 'keyvault-remediation'/);
      sandbox.github.addApproval(RUN_ID, { environments: ['keyvault-remediation'], state: 'rejected', user: 'bob' });
      await expectRefused(plan, /\(rejected by bob\)/);
    });

    it('when the environment is misspelled or has no required reviewers', async () => {
      await start('tor-reads-three-secrets');
      const plan = await torPlan();
      await openIssue(plan);
      approve();
      await expectRefused(plan, /GitHub environment 'keyvault-remediaton' does not exist/, {
        environment: 'keyvault-remediaton',
      });
      sandbox.github.environments.push({ name: 'open-door', id: 99, createdAt: Date.now() });
      approve('open-door');
      await expectRefused(plan, /'open-door' has no required reviewers/, { environment: 'open-door' });
    });

    it('when Defender has no such alert, another type, or dismissed it', async () => {
      await start('tor-reads-three-secrets');
      approve();
      const forged = await torPlan({ alertId: '2517538088322968242_forged-9' });
      await openIssue(forged);
      await expectRefused(forged, /alert 2517538088322968242_forged-9 was not found in Microsoft Defender/);

      const otherType = await torPlan({ alertType: 'KV_SuspiciousIPAccess' });
      await openIssue(otherType);
      await expectRefused(otherType, /is of type KV_TORAccess in Defender, but the plan is for KV_SuspiciousIPAccess/);

      const plan = await torPlan();
      await openIssue(plan);
      sandbox.azure.alerts[0]!.properties.status = 'Dismissed';
      await expectRefused(plan, /was dismissed in Defender/);
    });

    it('when the plan is older than its maximum age', async () => {
      await start('tor-reads-three-secrets');
      const plan = await torPlan({ createdAt: new Date(Date.now() - 8 * 86_400_000).toISOString() });
      await openIssue(plan);
      approve();
      await expectRefused(plan, /older than its maximum age P7D; run triage again/);
    });
  });

  it('refuses an action whose state drifted from the snapshot and leaves it untouched', async () => {
    await start('tor-reads-three-secrets');
    const plan = await torPlan();
    plan.actions = plan.actions.filter((a) => a.kind === 'firewall');
    const issue = await openIssue(plan);
    approve();
    sandbox.azure.vaults.get('kv-payments-prod')!.networkAcls.ipRules.push({ value: '203.0.113.9' });
    const before = azureState();

    const outcome = await run(plan);
    expect(outcome.status).toBe('incomplete');
    expect(outcome.actions[0]).toMatchObject({ status: 'refused' });
    expect(azureState()).toBe(before);
    expect(armWrites()).toEqual([]);
    const record = issueRecord(issue.number);
    expect(record.state).toBe('open');
    expect(record.labels).toContain('triaged');
    const body = sandbox.github.comments.find((c) => c.issueNumber === issue.number)!.body;
    expect(body).toContain('Refused on drift');
    expect(body).toContain('| networkAcls.ipRules | `(none)` | `203.0.113.9` | `198.51.100.10` |');
  });

  it('runs without approval when the playbook allows it, and says so', async () => {
    await start('tor-reads-three-secrets');
    const plan = await torPlan();
    const issue = await openIssue(plan);
    const playbookPath = playbookFile('    remediate: { environment: keyvault-remediation, require-approval: false }');
    const outcome = await run(plan, { playbookPath });
    expect(outcome.status).toBe('done');
    const body = sandbox.github.comments.find((c) => c.issueNumber === issue.number)!.body;
    expect(body).toContain('**Ran without approval** in environment `keyvault-remediation`');
  });

  it('dry run verifies and reports, and writes nothing anywhere', async () => {
    await start('tor-reads-three-secrets');
    const plan = await torPlan();
    const issue = await openIssue(plan);
    approve();
    const comments = sandbox.github.comments.length;
    const outcome = await run(plan, { dryRun: true });
    expect(outcome.status).toBe('dry-run');
    expect(outcome.actions.map((a) => a.status)).toEqual(['dry-run', 'dry-run']);
    expect(armWrites()).toEqual([]);
    expect(sandbox.github.comments).toHaveLength(comments);
    expect(issueRecord(issue.number).labels).toContain('triaged');
  });
});
