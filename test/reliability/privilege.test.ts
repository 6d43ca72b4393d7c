// Least privilege with the sandbox's permission model (test/sandbox/azure/roles.ts), per job as
// docs/azure-setup.md assigns the roles. Triage works with read roles only and writes nothing to Azure; remediate
// works with Key Vault Contributor on the vault (+ Security Reader for the alert re-read, + Role Based Access
// Control Administrator on RBAC vaults); rotate with the Officer roles and Reader (+ Security Reader, + Key Vault
// Contributor for the temporary firewall rule when the vault firewall denies the runner). Each missing role in
// turn: one line naming the missing permission and the vault, and the vault exactly as before. More roles than
// needed change nothing. No secret or token in anything written.
import { afterAll, describe, expect, it } from 'vitest';
import type { AccessPolicyEntry } from '../../src/findings/types.js';
import type { Plan, PlanAction } from '../../src/plan/types.js';
import { recordFigures } from '../corpus/support.js';
import { approve, openIncident, runJob, torPlan } from '../e2e/support.js';
import { loadScenario } from '../sandbox/index.js';
import type { RoleName } from '../sandbox/azure/scenario.js';
import type { SandboxScenario } from '../sandbox/scenario.js';
import {
  FIREWALL_ON,
  OPEN_FIREWALL,
  RBAC_VAULT_FIREWALL,
  plannedAssignments,
  userOffRbacVault,
} from '../support/plans.js';
import {
  RUN_BOUND_MS,
  leaks,
  responder,
  scenario,
  triage,
  verdict,
  withSandbox,
  type RunResult,
  type Sandbox,
} from './support.js';

const FULL = process.env.KV_RELIABILITY === 'full';

const READ_ONLY = new Set(['Reader', 'Log Analytics Reader', 'Security Reader']);

/** The responder keeps only the roles `keep` allows; every other principal keeps its own. */
function withResponderRoles(keep: (role: string) => boolean): SandboxScenario {
  return scenario((s) => {
    const self = responder(s).objectId;
    s.azure.roleAssignments = (s.azure.roleAssignments ?? []).filter((a) => a.principalId !== self || keep(a.role));
  });
}

const outcomes: Record<string, string> = {};

afterAll(() => recordFigures('privilege', { outcomes }));

describe.concurrent('least privilege: triage', () => {
  it('works with the read-only roles alone and plans the changes for the gated jobs', async () => {
    await withSandbox(
      withResponderRoles((r) => READ_ONLY.has(r)),
      [],
      async (sandbox) => {
        const run = await triage(sandbox);
        const v = verdict(run, sandbox);
        outcomes['triage: read-only roles'] = v.kind;
        expect(v).toEqual({ kind: 'completed' });
        const body = sandbox.github.issues[0]!.body ?? '';
        expect(body).toContain('db-password'); // the impact was measured with Log Analytics Reader
        expect(run.outputs['needs-remediation']).toBe('true');
        expect(leaks([run], sandbox)).toEqual([]);
        const writes = run.requests.filter(
          (r) => r.service !== 'github' && r.service !== 'entra' && r.method !== 'GET',
        );
        expect(writes.map((r) => `${r.method} ${r.path}`).filter((p) => !/\/query$/.test(p))).toEqual([]);
      },
    );
  }, 120_000);

  // Security Reader on the subscription carries */read (vault and workspace reads included), so each case
  // below drops it too: otherwise it would stand in for the role the case removes.
  it.each([
    [
      'only Reader on the vault',
      (r: string) => r === 'Reader',
      // F4: the lead-in names the object whose read failed (the workspace), not the vault's diagnostic settings.
      /could not read the Log Analytics workspace law-security .*Microsoft\.OperationalInsights\/workspaces\/read/,
    ],
    [
      'only Log Analytics Reader',
      (r: string) => r === 'Log Analytics Reader',
      /\bReader\b|Microsoft\.KeyVault\/vaults\/read/,
    ],
    ['no roles at all', () => false, /\bReader\b|Microsoft\.KeyVault\/vaults\/read/],
  ])(
    '%s: the run names the missing permission',
    async (label, keep, names) => {
      await withSandbox(withResponderRoles(keep), [], async (sandbox) => {
        const run = await triage(sandbox);
        const v = verdict(run, sandbox);
        const said = v.kind === 'failed-clearly' ? v.message : (sandbox.github.issues[0]?.body ?? '') + run.summary;
        const lines = said.split('\n').filter((l) => /permission|authori[sz]|forbidden|denied|\bReader\b|403/i.test(l));
        const named = lines.find((l) => /does not have authori[sz]ation|missing permission/i.test(l)) ?? lines[0] ?? '';
        outcomes[`triage: ${label}`] = `${v.kind}: ${named.trim().slice(0, 400)}`;
        expect(v.kind).toMatch(/^(completed|failed-clearly)$/);
        expect(lines.join('\n')).toMatch(names);
        expect(leaks([run], sandbox)).toEqual([]);
      });
    },
    120_000,
  );
});

// ---- remediate and rotate ----

type ScopeName = 'vault' | 'subscription';
type Grant = readonly [RoleName, ScopeName];

const SECURITY_READER: Grant = ['Security Reader', 'subscription'];
const READER: Grant = ['Reader', 'vault'];
const KV_CONTRIBUTOR: Grant = ['Key Vault Contributor', 'vault'];
const RBAC_ADMIN: Grant = ['Role Based Access Control Administrator', 'vault'];
const SECRETS_OFFICER: Grant = ['Key Vault Secrets Officer', 'vault'];
const OTHER_OFFICERS: Grant[] = [
  ['Key Vault Crypto Officer', 'vault'],
  ['Key Vault Certificates Officer', 'vault'],
];
/** docs/azure-setup.md, remediate: Key Vault Contributor on the vault, Security Reader (+ RBAC_ADMIN on RBAC vaults). */
const REMEDIATE: Grant[] = [KV_CONTRIBUTOR, SECURITY_READER];
/** docs/azure-setup.md, rotate: the Officers (RBAC vaults) and Reader on the vault, Security Reader. */
const ROTATE: Grant[] = [SECRETS_OFFICER, ...OTHER_OFFICERS, READER, SECURITY_READER];

/** Rotate's access-policy entry on an access-policy vault (docs/azure-setup.md); nobody gets purge. */
const ROTATE_POLICY = {
  secrets: ['get', 'list', 'set', 'delete'],
  keys: ['get', 'list', 'update', 'rotate', 'delete'],
  certificates: ['get', 'list', 'update', 'create', 'delete', 'getissuers', 'listissuers'],
};

const PAYMENTS_BATCH = '1a2b3c4d-0000-4000-8000-0000000000b2';
/** Outside every rule of the RBAC vault's firewall (TEST-NET-1). */
const OUTSIDE_ADDRESS = '192.0.2.44';

/**
 * access-policy: tor-reads-three-secrets on a vault that uses access policies, firewall open. rbac:
 * user-on-rbac-vault, whose firewall admits the runner; rbac-firewalled: the same with the runner outside it.
 */
type VaultKind = 'access-policy' | 'rbac' | 'rbac-firewalled';

interface GatedCase {
  label: string;
  gate: 'remediate' | 'rotate';
  vault: VaultKind;
  grants: readonly Grant[];
  /** Access-policy vaults: rotate's access-policy entry. */
  rotatePolicy?: boolean;
  /** Failure cases: what the one-line message must name (the permission or role); the vault is checked too. */
  names?: RegExp;
  /** In the `npm test` subset (every case runs under KV_RELIABILITY=full). */
  fast?: boolean;
}

function vaultIdOf(s: SandboxScenario): string {
  const v = s.azure.vaults![0]!;
  return `/subscriptions/${s.azure.subscriptionId}/resourceGroups/${v.resourceGroup}/providers/Microsoft.KeyVault/vaults/${v.name}`;
}

/** The case's scenario: the responder holds exactly the case's grants; everyone else keeps theirs. */
function gatedScenario(c: GatedCase): SandboxScenario {
  const s = structuredClone(
    loadScenario(c.vault === 'access-policy' ? 'tor-reads-three-secrets' : 'user-on-rbac-vault'),
  );
  const self = responder(s).objectId;
  const scopes: Record<ScopeName, string> = {
    vault: vaultIdOf(s),
    subscription: `/subscriptions/${s.azure.subscriptionId}`,
  };
  s.azure.roleAssignments = [
    ...(s.azure.roleAssignments ?? []).filter((a) => a.principalId !== self),
    ...c.grants.map(([role, scope]) => ({ principalId: self, role, scope: scopes[scope] })),
  ];
  const vault = s.azure.vaults![0]!;
  if (c.vault === 'access-policy') {
    vault.enableRbacAuthorization = false;
    vault.accessPolicies = [
      { objectId: PAYMENTS_BATCH, permissions: { secrets: ['get', 'list'] } },
      ...(c.rotatePolicy ? [{ objectId: self, permissions: ROTATE_POLICY }] : []),
    ];
  }
  if (c.vault === 'rbac-firewalled') {
    s.azure.identities!.find((i) => i.objectId === self)!.clientAddress = OUTSIDE_ADDRESS;
  }
  return s;
}

function paymentsBatchEntry(s: SandboxScenario): AccessPolicyEntry {
  return {
    tenantId: s.azure.tenantId,
    objectId: PAYMENTS_BATCH,
    permissions: { keys: [], secrets: ['get', 'list'], certificates: [], storage: [] },
  };
}

const rotateSecrets = (read: { name: string; version: string }[]): PlanAction => ({
  id: 'rotate-3-rotate-secrets',
  kind: 'rotate-secrets',
  gate: 'rotate',
  params: {
    secrets: read.map((x) => ({ name: x.name, compromisedVersions: [x.version] })),
    disable: 'accessed-versions',
    generator: { length: 32, charset: 'alphanumeric' },
    allSecrets: false,
  },
  reason: 'rotate the secrets the caller read',
});

const TOR_READ = [
  { name: 'db-password', version: '0f1e2d3c4b5a69788796a5b4c3d2e1f0' },
  { name: 'stripe-api-key', version: '1f1e2d3c4b5a69788796a5b4c3d2e1f0' },
];
const HR_READ = [{ name: 'payroll-db', version: '3f1e2d3c4b5a69788796a5b4c3d2e1f0' }];

/**
 * The plan a reviewer approved, with both gates. Access-policy vault: the firewall on, the TOR caller's
 * access-policy entry removed, two read secrets rotated. RBAC vault: the user's network taken off the firewall's
 * allow-list, the user's role assignment deleted, the read secret rotated.
 */
function gatedPlan(sandbox: Sandbox, kind: VaultKind): Plan {
  const s = sandbox.scenario;
  const snapshotSecrets = (read: typeof TOR_READ) => read.map((r) => ({ name: r.name, versionsRead: [r.version] }));
  if (kind === 'access-policy') {
    const revoke: PlanAction = {
      id: 'remediate-2-revoke-access',
      kind: 'revoke-access',
      gate: 'remediate',
      params: { objectId: PAYMENTS_BATCH, mode: 'remove', accessPolicyAfter: null },
      reason: "remove the TOR caller's access-policy entry",
    };
    return torPlan(s, [FIREWALL_ON, revoke, rotateSecrets(TOR_READ)], {
      snapshot: { networkAcls: OPEN_FIREWALL, accessPolicy: paymentsBatchEntry(s), secrets: snapshotSecrets(TOR_READ) },
    });
  }
  const v = s.azure.vaults![0]!;
  const user = s.azure.identities!.find((i) => i.kind === 'user')!.objectId;
  const assignments = plannedAssignments(sandbox, user);
  const actions: PlanAction[] = [...userOffRbacVault(user, assignments), rotateSecrets(HR_READ)];
  return torPlan(s, actions, {
    alertId: s.azure.alerts![0]!.name,
    alertType: 'KV_UserAnomaly',
    rules: ['principal-anomaly'],
    vault: {
      resourceId: vaultIdOf(s),
      name: v.name,
      subscriptionId: s.azure.subscriptionId,
      resourceGroup: v.resourceGroup,
    },
    snapshot: {
      networkAcls: RBAC_VAULT_FIREWALL,
      accessPolicy: null,
      roleAssignments: assignments,
      secrets: snapshotSecrets(HR_READ),
    },
  });
}

const ENVIRONMENT = { remediate: 'keyvault-remediation', rotate: 'keyvault-rotation' } as const;

/** Everything a gated job may change in Azure: the vault (firewall, access policies, tags, secrets) and role assignments. */
function azureState(sandbox: Sandbox): string {
  const vault = sandbox.azure.vault(sandbox.scenario.azure.vaults![0]!.name)!;
  return JSON.stringify({
    vault: {
      ...vault,
      secrets: [...vault.secrets],
      deletedSecrets: [...vault.deletedSecrets],
      keys: [...vault.keys],
      certificates: [...vault.certificates],
    },
    roleAssignments: sandbox.azure.roleAssignments,
  });
}

interface GatedOutcome {
  run: RunResult;
  sandbox: Sandbox;
  plan: Plan;
  before: string;
  after: string;
}

/** Triage's issue for the plan, the environment's approval, then the gated job through dist/index.js. */
function runGated(c: GatedCase, check: (o: GatedOutcome) => void): Promise<void> {
  return withSandbox(gatedScenario(c), [], async (sandbox) => {
    const plan = gatedPlan(sandbox, c.vault);
    await openIncident(sandbox, plan);
    approve(sandbox, ENVIRONMENT[c.gate]);
    const before = azureState(sandbox);
    const run = await runJob(sandbox, c.gate, { plan: JSON.stringify(plan) }, { timeoutMs: RUN_BOUND_MS });
    check({ run, sandbox, plan, before, after: azureState(sandbox) });
  });
}

const errorsOf = (run: RunResult) => run.annotations.filter((a) => a.level === 'error').map((a) => a.message);

/** The run's ARM writes (vault, access policies, role assignments), as `METHOD path`. */
const armWrites = (run: RunResult) =>
  run.requests
    .filter((r) => r.service === 'arm' && r.method !== 'GET')
    .map((r) => `${r.method} ${r.path.split('?')[0]}`);

const rbacVault = (sandbox: Sandbox) => sandbox.azure.vault('kv-hr-prod')!;
const apVault = (sandbox: Sandbox) => sandbox.azure.vault('kv-payments-prod')!;

/** Each read secret has one new current version, enabled, and its read version disabled. */
function expectRotated(sandbox: Sandbox, vaultName: string, read: { name: string; version: string }[]): void {
  const vault = sandbox.azure.vault(vaultName)!;
  for (const { name, version } of read) {
    const versions = vault.secrets.get(name)!.versions;
    expect(versions.at(-1)!.enabled, name).toBe(true);
    expect(versions.find((v) => v.version === version)!.enabled, name).toBe(false);
  }
}

const WORKS: (GatedCase & { expectEnd: (o: GatedOutcome) => void })[] = [
  {
    label: 'remediate: Key Vault Contributor only (access-policy vault)',
    gate: 'remediate',
    vault: 'access-policy',
    grants: REMEDIATE,
    fast: true,
    expectEnd: ({ sandbox, run }) => {
      expect(apVault(sandbox).networkAcls.defaultAction).toBe('Deny');
      expect(apVault(sandbox).accessPolicies.map((p) => p.objectId)).not.toContain(PAYMENTS_BATCH);
      expect(armWrites(run).sort()).toEqual([
        'PATCH /subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg-payments/providers/Microsoft.KeyVault/vaults/kv-payments-prod',
        'PUT /subscriptions/0b1f6471-1bf0-4dda-aec3-cb9272f09590/resourceGroups/rg-payments/providers/Microsoft.KeyVault/vaults/kv-payments-prod/accessPolicies/remove',
      ]);
    },
  },
  {
    label: 'remediate: Key Vault Contributor + RBAC Administrator (RBAC vault)',
    gate: 'remediate',
    vault: 'rbac',
    grants: [...REMEDIATE, RBAC_ADMIN],
    expectEnd: ({ sandbox }) => {
      expect(rbacVault(sandbox).networkAcls.ipRules.map((r) => r.value)).toEqual(['198.51.100.10/32']);
      expect(sandbox.azure.roleAssignments.filter((a) => a.principalId.endsWith('c3'))).toEqual([]);
    },
  },
  {
    label: 'remediate: more than needed (Owner on the vault)',
    gate: 'remediate',
    vault: 'rbac',
    grants: [['Owner', 'vault'], SECURITY_READER],
    expectEnd: ({ sandbox, run }) => {
      expect(rbacVault(sandbox).networkAcls.ipRules.map((r) => r.value)).toEqual(['198.51.100.10/32']);
      // Only the planned writes: the firewall and the one role assignment; nothing else Owner would allow.
      expect(armWrites(run).map((w) => w.split(' ')[0])).toEqual(['PATCH', 'DELETE']);
      expect(sandbox.azure.roleAssignments.filter((a) => a.principalId.endsWith('c3'))).toEqual([]);
    },
  },
  {
    label: 'rotate: the Officer roles only (RBAC vault)',
    gate: 'rotate',
    vault: 'rbac',
    grants: ROTATE,
    fast: true,
    expectEnd: ({ sandbox, run }) => {
      expectRotated(sandbox, 'kv-hr-prod', HR_READ);
      expect(armWrites(run)).toEqual([]);
    },
  },
  {
    label: 'rotate: access-policy entry only (access-policy vault)',
    gate: 'rotate',
    vault: 'access-policy',
    grants: [READER, SECURITY_READER],
    rotatePolicy: true,
    expectEnd: ({ sandbox }) => expectRotated(sandbox, 'kv-payments-prod', TOR_READ),
  },
  {
    label: 'rotate: Officers + Key Vault Contributor, firewall denies the runner',
    gate: 'rotate',
    vault: 'rbac-firewalled',
    grants: [...ROTATE, KV_CONTRIBUTOR],
    expectEnd: ({ sandbox, before, run }) => {
      expectRotated(sandbox, 'kv-hr-prod', HR_READ);
      // The temporary /32 rule was added, then removed with its tag: the firewall is as it was.
      const comment = sandbox.github.comments.at(-1)!.body;
      expect(comment).toContain(`added the rule \`${OUTSIDE_ADDRESS}/32\` and removed it`);
      const was = JSON.parse(before) as { vault: { networkAcls: unknown; tags: unknown } };
      expect(rbacVault(sandbox).networkAcls).toEqual(was.vault.networkAcls);
      expect(rbacVault(sandbox).tags).toEqual(was.vault.tags);
      expect(armWrites(run).map((w) => w.split(' ')[0])).toEqual(['PATCH', 'PATCH']);
    },
  },
  {
    label: 'rotate: more than needed (Key Vault Administrator + Contributor), firewall admits the runner',
    gate: 'rotate',
    vault: 'rbac',
    grants: [['Key Vault Administrator', 'vault'], KV_CONTRIBUTOR, READER, SECURITY_READER],
    expectEnd: ({ sandbox, run }) => {
      expectRotated(sandbox, 'kv-hr-prod', HR_READ);
      // Key Vault Contributor is not used: no firewall change when the firewall admits the runner.
      expect(armWrites(run)).toEqual([]);
    },
  },
];

const REFUSED: GatedCase[] = [
  {
    label: 'remediate: without Key Vault Contributor (access-policy vault)',
    gate: 'remediate',
    vault: 'access-policy',
    grants: [SECURITY_READER],
    names: /Microsoft\.KeyVault\/vaults\/write.*Key Vault Contributor/,
  },
  {
    label: 'remediate: without RBAC Administrator (RBAC vault)',
    gate: 'remediate',
    vault: 'rbac',
    grants: REMEDIATE,
    names: /Microsoft\.Authorization\/roleAssignments\/delete.*Role Based Access Control Administrator/,
    fast: true,
  },
  {
    label: 'remediate: without Security Reader',
    gate: 'remediate',
    vault: 'access-policy',
    grants: [KV_CONTRIBUTOR],
    names: /Security Reader.*Microsoft\.Security\/alerts\/read/,
  },
  {
    label: 'rotate: without Secrets Officer (RBAC vault)',
    gate: 'rotate',
    vault: 'rbac',
    grants: [...OTHER_OFFICERS, READER, SECURITY_READER],
    names: /Microsoft\.KeyVault\/vaults\/secrets\/[A-Za-z]+\/action/,
    fast: true,
  },
  {
    label: 'rotate: without its access-policy entry (access-policy vault)',
    gate: 'rotate',
    vault: 'access-policy',
    grants: ROTATE,
    names: /secrets (list|get) permission/,
  },
  {
    label: 'rotate: without Key Vault Contributor, firewall denies the runner',
    gate: 'rotate',
    vault: 'rbac-firewalled',
    grants: ROTATE,
    // Azure's AuthorizationFailed names the action; the action's hint names the role that grants it.
    names: /Microsoft\.KeyVault\/vaults\/write.*Key Vault Contributor/,
  },
  {
    label: 'rotate: without Security Reader',
    gate: 'rotate',
    vault: 'rbac',
    grants: [SECRETS_OFFICER, ...OTHER_OFFICERS, READER],
    names: /Security Reader.*Microsoft\.Security\/alerts\/read/,
  },
];

const chosen = <T extends GatedCase>(cases: T[]) => (FULL ? cases : cases.filter((c) => c.fast));

describe.concurrent('least privilege: remediate and rotate', () => {
  it.each(chosen(WORKS).map((c) => [c.label, c] as const))(
    '%s: works',
    async (label, c) => {
      await runGated(c, (o) => {
        const { run, sandbox } = o;
        outcomes[label] = run.exitCode === 0 ? 'completed' : `exit ${run.exitCode}: ${errorsOf(run).join(' | ')}`;
        expect(errorsOf(run)).toEqual([]);
        expect(run.exitCode).toBe(0);
        expect(sandbox.github.issues[0]!.labels).toContain(c.gate === 'remediate' ? 'contained' : 'rotated');
        c.expectEnd(o);
        expect(leaks([run], sandbox)).toEqual([]);
      });
    },
    RUN_BOUND_MS + 30_000,
  );

  it.each(chosen(REFUSED).map((c) => [c.label, c] as const))(
    '%s: one line names the missing permission and the vault; nothing changes',
    async (label, c) => {
      await runGated(c, ({ run, sandbox, plan, before, after }) => {
        const errors = errorsOf(run);
        outcomes[label] = `${run.exitCode === 0 ? 'completed' : 'refused'}: ${errors.join(' | ')}`;
        expect(run.timedOut).toBe(false);
        expect(run.exitCode).toBe(1);
        expect(errors).toHaveLength(1);
        const message = errors[0]!;
        expect(message).not.toMatch(/[\r\n]/);
        expect(message).toMatch(c.names!);
        expect(message).toContain(plan.vault.name);
        // The issue says it too: the gate's record or its refusal.
        expect(sandbox.github.comments.at(-1)!.body).toMatch(c.names!);
        expect(after).toBe(before);
        expect(sandbox.github.issues[0]!.state).toBe('open');
        expect(leaks([run], sandbox)).toEqual([]);
      });
    },
    RUN_BOUND_MS + 30_000,
  );
});
