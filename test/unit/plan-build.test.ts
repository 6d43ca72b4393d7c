import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/alert/types.js';
import type { Findings, ImpactFindings, VaultState } from '../../src/findings/types.js';
import { buildPlan } from '../../src/plan/build.js';
import { planHash } from '../../src/plan/canonical.js';
import { loadPlaybook, matchAlert } from '../../src/playbook/index.js';

const VAULT_ID = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-prod';
const CALLER = '1a2b3c4d-0000-4000-8000-0000000000b2';

const alert: Alert = {
  id: 'alert-1',
  type: 'KV_TORAccess',
  simulated: false,
  displayName: 'Access from a TOR exit node to a key vault',
  severity: 'Medium',
  status: 'Active',
  startTime: '2026-11-29T10:00:00.000Z',
  endTime: '2026-11-29T11:00:00.000Z',
  vault: { name: 'kv-prod', resourceId: VAULT_ID, subscriptionId: 's', resourceGroup: 'rg' },
  source: { ip: '185.220.101.7', objectId: CALLER },
  operations: [],
  targets: [],
  form: 'rest',
};

const vault = (over: Partial<VaultState> = {}): VaultState => ({
  resourceId: VAULT_ID,
  name: 'kv-prod',
  tenantId: 't',
  location: 'westeurope',
  vaultUri: 'https://kv-prod.vault.azure.net/',
  enableRbacAuthorization: false,
  softDeleteEnabled: true,
  networkAcls: { defaultAction: 'Allow', bypass: 'AzureServices', ipRules: [], virtualNetworkRules: [] },
  accessPolicies: [],
  ...over,
});

const entry = {
  tenantId: 't',
  objectId: CALLER,
  permissions: { secrets: ['get', 'list', 'set'], keys: ['get'], certificates: [], storage: [] },
};

const measured: ImpactFindings = {
  status: 'measured',
  evidence: { workspaceId: 'w', query: 'q', timespan: { start: 'a', end: 'b' }, rowCount: 3, resultSha256: 'h' },
  rows: [
    {
      objectType: 'secret',
      objectName: 'db-password',
      objectVersion: 'v1',
      operation: 'SecretGet',
      result: 'OK',
      count: 2,
      firstSeen: 'x',
      lastSeen: 'y',
    },
    {
      objectType: 'secret',
      objectName: 'api-key',
      objectVersion: 'v9',
      operation: 'SecretGet',
      result: 'OK',
      count: 1,
      firstSeen: 'x',
      lastSeen: 'y',
    },
    {
      objectType: 'secret',
      objectName: 'denied',
      objectVersion: '',
      operation: 'SecretGet',
      result: 'Forbidden',
      count: 4,
      firstSeen: 'x',
      lastSeen: 'y',
    },
    {
      objectType: 'vault',
      objectName: '',
      objectVersion: '',
      operation: 'SecretList',
      result: 'OK',
      count: 1,
      firstSeen: 'x',
      lastSeen: 'y',
    },
  ],
  callers: [
    { ip: '198.51.100.10', objectId: 'app-1', count: 50, firstSeen: 'x', lastSeen: '2026-11-28T10:00:00Z' },
    { ip: '185.220.101.7', objectId: CALLER, count: 7, firstSeen: 'x', lastSeen: '2026-11-28T09:00:00Z' },
  ],
};

const PLAYBOOK = `version: 1
settings:
  gates:
    remediate: { environment: kv-remediation }
    rotate: { environment: kv-rotation }
networks:
  corp: [203.0.113.0/24]
rules:
  - name: tor
    steps:
      - identify-source
      - measure-impact
      - firewall: { allow: [corp] }
      - revoke-access
      - rotate-secrets
`;

function plan(findings: Findings, text = PLAYBOOK) {
  const loaded = loadPlaybook(text);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  const match = matchAlert(loaded.playbook, alert);
  return buildPlan({
    alert,
    rules: match.matched,
    steps: match.steps,
    findings,
    playbookSha256: 'p',
    maxAge: 'P7D',
    now: '2026-11-29T11:05:00.000Z',
  });
}

const source = (over: Partial<Findings['source']> = {}): Findings['source'] => ({
  kind: 'app',
  tenant: { relation: 'same' },
  vault: vault({ accessPolicies: [entry] }),
  principal: { objectId: CALLER, isSelf: false, accessPolicy: entry, roleAssignments: { vault: [], inherited: [] } },
  unavailable: [],
  ...over,
});

describe('buildPlan', () => {
  it('plans firewall, access removal and rotation of exactly the secrets read, with the snapshot', () => {
    const p = plan({ source: source(), impact: measured });
    expect(p.actions.map((a) => a.id)).toEqual([
      'remediate-1-firewall',
      'remediate-2-revoke-access',
      'rotate-3-rotate-secrets',
    ]);
    const [fw, revoke, rotate] = p.actions;
    expect(fw).toMatchObject({
      params: { after: { defaultAction: 'Deny', ipRules: ['203.0.113.0/24', '198.51.100.10'] }, lockedOut: [] },
    });
    expect(revoke).toMatchObject({ params: { objectId: CALLER, mode: 'remove', accessPolicyAfter: null } });
    expect(rotate).toMatchObject({
      params: {
        secrets: [
          { name: 'api-key', compromisedVersions: ['v9'] },
          { name: 'db-password', compromisedVersions: ['v1'] },
        ],
        disable: 'accessed-versions',
        allSecrets: false,
      },
    });
    expect(p.snapshot).toEqual({
      networkAcls: vault().networkAcls,
      accessPolicy: entry,
      roleAssignments: [],
      secrets: [
        { name: 'api-key', versionsRead: ['v9'] },
        { name: 'db-password', versionsRead: ['v1'] },
      ],
    });
    expect(p.notPlanned).toEqual([]);
  });

  it('is deterministic: same inputs, same hash', () => {
    expect(planHash(plan({ source: source(), impact: measured }))).toBe(
      planHash(plan({ source: source(), impact: measured })),
    );
  });

  it('never feeds a change from unknown impact or missing state, and says why', () => {
    const p = plan({
      source: source({ vault: undefined, principal: undefined, kind: 'external' }),
      impact: { status: 'unknown', reason: 'the vault has no diagnostic settings', timespan: { start: 'a', end: 'b' } },
    });
    expect(p.actions).toEqual([]);
    expect(p.notPlanned).toEqual([
      { step: 'firewall', rule: 'tor', reason: 'the vault state could not be read' },
      { step: 'revoke-access', rule: 'tor', reason: 'the alert names no principal (object id) to revoke' },
      {
        step: 'rotate-secrets',
        rule: 'tor',
        reason:
          'impact unknown (the vault has no diagnostic settings); only scope: all rotates without measured impact',
      },
    ]);
  });

  it("never revokes the action's own identity", () => {
    const p = plan({ source: source({ principal: { ...source().principal!, isSelf: true } }), impact: measured });
    expect(p.actions.some((a) => a.kind === 'revoke-access')).toBe(false);
    expect(p.notPlanned).toContainEqual({
      step: 'revoke-access',
      rule: 'tor',
      reason: "the principal is the action's own identity; it is never revoked",
    });
  });

  it('deletes only vault-scope role assignments on an RBAC vault', () => {
    const atVault = {
      id: `${VAULT_ID}/providers/Microsoft.Authorization/roleAssignments/r1`,
      principalId: CALLER,
      roleDefinitionId: 'd',
      scope: VAULT_ID,
    };
    const inherited = {
      ...atVault,
      id: '/subscriptions/s/providers/Microsoft.Authorization/roleAssignments/r2',
      scope: '/subscriptions/s',
    };
    const p = plan({
      source: source({
        vault: vault({ enableRbacAuthorization: true }),
        principal: { objectId: CALLER, isSelf: false, roleAssignments: { vault: [atVault], inherited: [inherited] } },
      }),
      impact: measured,
    });
    expect(p.actions.find((a) => a.kind === 'revoke-access')).toMatchObject({
      params: { mode: 'remove', deleteRoleAssignments: [atVault] },
    });
  });

  it('restricts an access-policy entry to the permissions kept', () => {
    const text = PLAYBOOK.replace(
      '      - revoke-access\n',
      '      - revoke-access: { mode: restrict, keep-permissions: { secrets: [get] } }\n',
    );
    const p = plan({ source: source(), impact: measured }, text);
    expect(p.actions.find((a) => a.kind === 'revoke-access')).toMatchObject({
      params: {
        mode: 'restrict',
        accessPolicyAfter: { permissions: { secrets: ['get'], keys: [], certificates: [], storage: [] } },
      },
    });
  });

  it('rotates every secret from unknown impact only when the playbook says scope: all', () => {
    const text = PLAYBOOK.replace('      - rotate-secrets\n', '      - rotate-secrets: { scope: all }\n');
    const p = plan(
      { source: source(), impact: { status: 'unknown', reason: 'r', timespan: { start: 'a', end: 'b' } } },
      text,
    );
    expect(p.actions.find((a) => a.kind === 'rotate-secrets')).toMatchObject({
      params: { allSecrets: true, secrets: [] },
    });
  });
});
