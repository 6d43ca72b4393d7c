// The remediate executors check the identity's permissions on the vault before their first write: an identity
// that may change the firewall but not delete role assignments changes nothing, rather than applying the firewall
// and stopping at the delete. Real SDK clients against the sandbox's fake Azure.
import { afterEach, describe, expect, it } from 'vitest';
import { applyRemediateActions } from '../../src/apply/remediate.js';
import type { Logger } from '../../src/log.js';
import type { Plan } from '../../src/plan/types.js';
import type { RoleName } from '../sandbox/azure/scenario.js';
import { loadScenario, startSandbox, type FaultRule, type Sandbox } from '../sandbox/index.js';
import { responderAzure } from '../support/azure.js';
import { RBAC_VAULT_FIREWALL, plannedAssignments, userOffRbacVault } from '../support/plans.js';

const SUB = '0b1f6471-1bf0-4dda-aec3-cb9272f09590';
const VAULT = `/subscriptions/${SUB}/resourceGroups/rg-hr/providers/Microsoft.KeyVault/vaults/kv-hr-prod`;
const SELF = '1a2b3c4d-0000-4000-8000-0000000000a1';
const USER = '1a2b3c4d-0000-4000-8000-0000000000c3';
const ALLOW_LIST = RBAC_VAULT_FIREWALL.ipRules;

let sandbox: Sandbox | undefined;
afterEach(async () => sandbox?.close());

/** The RBAC vault's responder with exactly `roles` on the vault; warnings collected. */
async function start(roles: RoleName[], faults: FaultRule[] = []) {
  const scenario = structuredClone(loadScenario('user-on-rbac-vault'));
  scenario.azure.roleAssignments = [
    ...scenario.azure.roleAssignments!.filter((a) => a.principalId !== SELF),
    ...roles.map((role) => ({ principalId: SELF, role, scope: VAULT })),
  ];
  sandbox = await startSandbox(scenario, { faults });
  const az = responderAzure(sandbox, { retries: false });
  const warnings: string[] = [];
  const log: Logger = { debug() {}, info() {}, warning: (m) => void warnings.push(m), error() {} };
  return { az, log, warnings, sandbox };
}

function plan(s: Sandbox): Plan {
  const deleted = plannedAssignments(s, USER);
  const actions = userOffRbacVault(USER, deleted);
  return {
    format: 1,
    alertId: '2517538088322968242_user-0002',
    alertType: 'KV_UserAnomaly',
    vault: { resourceId: VAULT, name: 'kv-hr-prod', subscriptionId: SUB, resourceGroup: 'rg-hr' },
    createdAt: new Date().toISOString(),
    maxAge: 'P7D',
    playbookSha256: 'c'.repeat(64),
    rules: ['principal-anomaly'],
    snapshot: { networkAcls: RBAC_VAULT_FIREWALL, accessPolicy: null, roleAssignments: deleted },
    actions,
    notPlanned: [],
  };
}

const ipRules = (s: Sandbox) => s.azure.vault('kv-hr-prod')!.networkAcls.ipRules.map((r) => r.value);
const userAssignments = (s: Sandbox) => s.azure.roleAssignments.filter((a) => a.principalId === USER);

describe('remediate checks its permissions before the first write', () => {
  it('refuses every action, changing nothing, when one action needs a role the identity lacks', async () => {
    const { az, log, sandbox: s } = await start(['Key Vault Contributor']);
    const p = plan(s);
    const results = await applyRemediateActions({ az, log, selfObjectId: SELF, dryRun: false }, p, p.actions);
    expect(results.map((r) => [r.actionId, r.status])).toEqual([
      ['remediate-1-firewall', 'refused'],
      ['remediate-2-revoke-access', 'refused'],
    ]);
    const line =
      'this identity lacks Microsoft.Authorization/roleAssignments/delete on vault kv-hr-prod (Role Based Access Control Administrator on the vault grants it)';
    expect(results[0]!.message).toBe(`not applied because ${line}; nothing was changed`);
    expect(results[1]!.message).toBe(`${line}; nothing was changed`);
    expect(ipRules(s)).toEqual(ALLOW_LIST);
    expect(userAssignments(s)).toHaveLength(1);
  });

  it('applies both with the RBAC administrator role as well', async () => {
    const { az, log, sandbox: s } = await start(['Key Vault Contributor', 'Role Based Access Control Administrator']);
    const p = plan(s);
    const results = await applyRemediateActions({ az, log, selfObjectId: SELF, dryRun: false }, p, p.actions);
    expect(results.map((r) => r.status)).toEqual(['applied', 'applied']);
    expect(ipRules(s)).toEqual(['198.51.100.10/32']);
    expect(userAssignments(s)).toEqual([]);
  });

  it('goes on without the check, with a warning, when the permissions cannot be read', async () => {
    const fault: FaultRule = {
      service: 'arm',
      path: /\/providers\/Microsoft\.Authorization\/permissions/,
      fault: { kind: 'status', status: 500 },
    };
    const { az, log, warnings, sandbox: s } = await start(['Key Vault Contributor'], [fault]);
    const p = plan(s);
    const results = await applyRemediateActions({ az, log, selfObjectId: SELF, dryRun: false }, p, p.actions);
    expect(warnings.join('\n')).toMatch(/could not read this identity's permissions on vault kv-hr-prod/);
    // Each write then names the permission it was denied.
    expect(results.map((r) => r.status)).toEqual(['applied', 'failed']);
    expect(results[1]!.message).toMatch(/Microsoft\.Authorization\/roleAssignments\/delete/);
  });
});
