// The remediate job through dist/index.js refuses, and changes nothing, when the alert is forged, the plan has
// expired, or the vault changed since the plan was made (drift).
import { afterEach, describe, expect, it } from 'vitest';
import { loadScenario, startSandbox, type Sandbox } from '../sandbox/index.js';
import { approve, openIncident, runJob, torPlan } from './support.js';
import { FIREWALL_ON, OPEN_FIREWALL } from '../support/plans.js';

const scenario = loadScenario('tor-reads-three-secrets');

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

const acls = (s: Sandbox) => JSON.stringify(s.azure.vault('kv-payments-prod')!.networkAcls);

describe('remediate refuses through dist/index.js', { timeout: 120_000 }, () => {
  for (const [what, overrides, reason] of [
    ['a forged alert (not in Defender)', { alertId: '2517538088322968242_forged-9999' }, /Defender/],
    ['an expired plan', { createdAt: new Date(Date.now() - 8 * 86_400_000).toISOString() }, /old|expired|max/i],
  ] as const) {
    it(`${what}: refused, vault untouched`, async () => {
      const s = await startSandbox(scenario);
      sandbox = s;
      const plan = torPlan(scenario, [FIREWALL_ON], { snapshot: { networkAcls: OPEN_FIREWALL }, ...overrides });
      await openIncident(s, plan);
      approve(s, 'keyvault-remediation');
      const before = acls(s);
      const r = await runJob(s, 'remediate', { plan: JSON.stringify(plan) });
      expect(r.exitCode).toBe(1);
      expect(r.annotations.find((a) => a.level === 'error')?.message).toMatch(reason);
      expect(acls(s)).toBe(before);
    });
  }

  it('drift: the firewall changed since the plan; the action is refused and the change kept', async () => {
    const s = await startSandbox(scenario);
    sandbox = s;
    const plan = torPlan(scenario, [FIREWALL_ON], { snapshot: { networkAcls: OPEN_FIREWALL } });
    await openIncident(s, plan);
    approve(s, 'keyvault-remediation');
    const vault = s.azure.vault('kv-payments-prod')!;
    vault.networkAcls.defaultAction = 'Deny';
    vault.networkAcls.ipRules = [{ value: '192.0.2.0/24' }];
    const before = acls(s);
    const r = await runJob(s, 'remediate', { plan: JSON.stringify(plan) });
    expect(r.exitCode).toBe(1);
    expect(r.annotations.find((a) => a.level === 'error')?.message).toMatch(/remediate-1-firewall/);
    expect(acls(s)).toBe(before);
    const comment = s.github.comments.at(-1)?.body ?? '';
    expect(comment).toMatch(/drift|changed/i);
  });
});
