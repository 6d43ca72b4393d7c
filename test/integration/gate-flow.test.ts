// Both gates of one plan through the orchestration: remediate contains, rotate rotates with G2's executor, and
// the issue closes once every gate is done; no generated value reaches the issue. Real clients, the sandbox.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AzureContext } from '../../src/azure/context.js';
import { type RepoRef } from '../../src/github/issues.js';
import { createOctokit, type Octokit } from '../../src/github/octokit.js';
import type { Logger } from '../../src/log.js';
import { runGate, type GateApplier } from '../../src/modes/gated.js';
import { applyRemediateGate } from '../../src/modes/remediate.js';
import { rotateGate } from '../../src/modes/rotate.js';
import { loadScenario, startSandbox, type Sandbox } from '../sandbox/index.js';
import { FIREWALL_ON, OPEN_FIREWALL, gatesPlaybook } from '../support/plans.js';
import { responderAzure } from '../support/azure.js';
import { openIncident, torPlan } from '../e2e/support.js';

const READ_VERSION = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const repo: RepoRef = { owner: 'contoso', repo: 'secops' };
const silent: Logger = { debug() {}, info() {}, warning() {}, error() {} };

const dir = mkdtempSync(join(tmpdir(), 'kv-flow-'));
const PLAYBOOK = join(dir, 'playbook.yml');
writeFileSync(PLAYBOOK, gatesPlaybook({ remediate: 'keyvault-remediation', rotate: 'keyvault-rotation' }));

const scenario = loadScenario('tor-reads-three-secrets');
const plan = torPlan(
  scenario,
  [
    FIREWALL_ON,
    {
      id: 'rotate-2-rotate-secrets',
      kind: 'rotate-secrets',
      gate: 'rotate',
      params: {
        secrets: [{ name: 'db-password', compromisedVersions: [READ_VERSION] }],
        disable: 'accessed-versions',
        generator: { length: 32, charset: 'alphanumeric' },
        allSecrets: false,
      },
      reason: 'rule access-from-suspicious-ip: rotate the secrets the caller read',
    },
  ],
  { snapshot: { networkAcls: OPEN_FIREWALL, secrets: [{ name: 'db-password', versionsRead: [READ_VERSION] }] } },
);

let sandbox: Sandbox;
let az: AzureContext;
let gh: Octokit;
let issueNumber: number;
const masked: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox(scenario);
  az = responderAzure(sandbox);
  gh = createOctokit(sandbox.actionToken, silent, sandbox.githubUrl);
  issueNumber = await openIncident(sandbox, plan);
});
afterAll(async () => sandbox?.close());

const gate = (name: 'remediate' | 'rotate', apply: GateApplier) =>
  runGate(
    {
      gate: name,
      planText: JSON.stringify(plan),
      planSource: 'test plan',
      playbookPath: PLAYBOOK,
      dryRun: false,
      github: { gh, repo, runId: 7001 },
      az,
      log: silent,
    },
    apply,
  );
const issue = () => sandbox.github.issues.find((i) => i.number === issueNumber)!;

describe('remediate then rotate', () => {
  it('remediate contains and waits for rotate', async () => {
    sandbox.github.addApproval(7001, {
      environments: ['keyvault-remediation'],
      state: 'approved',
      user: 'alice-secops',
    });
    const outcome = await gate('remediate', applyRemediateGate);
    expect(outcome).toMatchObject({ status: 'done', closed: false });
    expect(issue().state).toBe('open');
    expect(issue().labels.sort()).toEqual(['contained', 'kv-alert']);
    expect(sandbox.github.comments.at(-1)!.body).toContain('Still waiting: the rotate gate.');
  }, 60_000);

  it('rotate is refused until its own environment is approved', async () => {
    await expect(
      gate(
        'rotate',
        rotateGate((v) => masked.push(v), 10),
      ),
    ).rejects.toThrow(/not approved for environment 'keyvault-rotation'/);
    expect(sandbox.azure.vaults.get('kv-payments-prod')!.secrets.get('db-password')!.versions).toHaveLength(2);
  }, 60_000);

  it('rotate rotates, records and closes the issue; no generated value is on the issue', async () => {
    sandbox.github.addApproval(7001, { environments: ['keyvault-rotation'], state: 'approved', user: 'bob-payments' });
    const outcome = await gate(
      'rotate',
      rotateGate((v) => masked.push(v), 10),
    );
    expect(outcome).toMatchObject({ status: 'done', closed: true });
    const versions = sandbox.azure.vaults.get('kv-payments-prod')!.secrets.get('db-password')!.versions;
    expect(versions).toHaveLength(3);
    expect(versions.find((v) => v.version === READ_VERSION)!.enabled).toBe(false);
    expect(issue().state).toBe('closed');
    expect(issue().labels.sort()).toEqual(['contained', 'kv-alert', 'resolved', 'rotated']);
    const last = sandbox.github.comments.at(-1)!.body;
    expect(last).toContain('Approved for environment `keyvault-rotation` by bob-payments');
    expect(last).toContain('Every gate of the plan is done; closing this issue.');
    const generated = versions.at(-1)!.value;
    expect(masked).toContain(generated);
    for (const c of sandbox.github.comments) expect(c.body).not.toContain(generated);
  }, 60_000);
});
