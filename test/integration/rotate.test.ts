// The rotate gate's executors with the real Key Vault SDK clients against the sandbox's fake Azure.
import { afterEach, describe, expect, it } from 'vitest';
import { applyRotateActions, rotationMarker, TAG_ALERT_ID, TAG_ROTATED_FROM } from '../../src/apply/rotate.js';
import type { PlanAction } from '../../src/plan/types.js';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import type { SecretVersion, Vault } from '../sandbox/azure/state.js';
import {
  ALERT_ID,
  COMPROMISED_KEY_VERSION,
  OLD_KEY_VERSION,
  RUNNER_ADDRESS,
  SECRETS,
  captureLog,
  planFor,
  rotateCertificatesAction,
  rotateKeysAction,
  rotateSecretsAction,
  rotationScenario,
} from './rotate-support.js';
import { responderAzure } from '../support/azure.js';

const VAULT = 'kv-payments-prod';
const MARKER = rotationMarker(ALERT_ID);

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(edit?: Parameters<typeof rotationScenario>[1]): Promise<Sandbox> {
  sandbox = await startSandbox(rotationScenario([VAULT], edit));
  return sandbox;
}

function vaultOf(s: Sandbox): Vault {
  const vault = s.azure.vault(VAULT);
  if (!vault) throw new Error('vault missing');
  return vault;
}

function secretVersions(s: Sandbox, name: string): SecretVersion[] {
  return vaultOf(s).secrets.get(name)?.versions ?? [];
}

async function apply(s: Sandbox, actions: PlanAction[], options: { dryRun?: boolean; concurrency?: number } = {}) {
  const log = captureLog();
  const results = await applyRotateActions(
    { az: responderAzure(s), pollIntervalMs: 10 },
    planFor(VAULT, actions),
    actions,
    {
      dryRun: options.dryRun ?? false,
      concurrency: options.concurrency,
      log,
      maskSecret: log.maskSecret,
    },
  );
  return { results, log };
}

/** Writes this part of the run made to Azure (method and path), in order. */
function writesSince(s: Sandbox, from: number): string[] {
  return s.requests
    .slice(from)
    .filter((r) => r.method !== 'GET' && r.service !== 'entra' && r.status !== 401)
    .map((r) => `${r.method} ${r.path.split('?')[0]}`);
}

describe('rotate-secrets', () => {
  it('gives each secret exactly one new current, enabled, tagged version and disables only the versions read', async () => {
    const s = await start();
    const before = new Map(SECRETS.map((x) => [x.name, secretVersions(s, x.name).map((v) => ({ ...v }))]));
    const { results } = await apply(s, [rotateSecretsAction()]);

    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ actionId: 'rotate-1-rotate-secrets', kind: 'rotate-secrets', status: 'done' });
    for (const target of SECRETS) {
      const versions = secretVersions(s, target.name);
      const old = before.get(target.name) ?? [];
      expect(versions).toHaveLength(old.length + 1);
      const current = versions.at(-1) as SecretVersion;
      expect(current.enabled).toBe(true);
      expect(current.tags).toEqual({ [TAG_ALERT_ID]: MARKER, [TAG_ROTATED_FROM]: target.compromisedVersions[0] });
      expect(current.value).toMatch(/^[A-Za-z0-9]{32}$/);
      expect(old.map((v) => v.value)).not.toContain(current.value);
      // The version read is disabled; the older one (not read) keeps its state.
      expect(versions.find((v) => v.version === target.compromisedVersions[0])?.enabled).toBe(false);
      expect(versions[0]?.enabled).toBe(true);
      const object = results[0]?.objects.find((o) => o.name === target.name);
      expect(object).toMatchObject({
        type: 'secret',
        outcome: 'rotated',
        newVersion: current.version,
        rotatedFrom: target.compromisedVersions[0],
        disabledVersions: target.compromisedVersions,
        notes: [],
      });
    }
    expect(vaultOf(s).deletedSecrets.size).toBe(0);
  });

  it('changes nothing when run again', async () => {
    const s = await start();
    await apply(s, [rotateSecretsAction()]);
    const snapshot = JSON.stringify([...vaultOf(s).secrets.values()]);
    const from = s.requests.length;
    const { results } = await apply(s, [rotateSecretsAction()]);

    expect(JSON.stringify([...vaultOf(s).secrets.values()])).toBe(snapshot);
    expect(writesSince(s, from)).toEqual([]);
    expect(results[0]?.status).toBe('done');
    for (const object of results[0]?.objects ?? []) {
      expect(object.outcome).toBe('already-rotated');
      expect(object.disabledVersions).toEqual([]);
      expect(object.alreadyDisabledVersions).toHaveLength(1);
    }
  });

  it('never puts a generated value in a result, a log line or an error, and masks each one', async () => {
    const s = await start();
    // One secret fails after its value was generated (the write is refused), so an error path is covered too.
    s.faults.add({
      service: 'keyvault',
      method: 'PUT',
      path: '^/secrets/stripe-api-key',
      fault: { kind: 'status', status: 400 },
    });
    const first = await apply(s, [rotateSecretsAction()]);
    s.faults.clear();
    const second = await apply(s, [rotateSecretsAction()]);

    const values = SECRETS.map((x) => secretVersions(s, x.name).at(-1)?.value as string);
    expect(values.every((v) => /^[A-Za-z0-9]{32}$/.test(v))).toBe(true);
    const seen = JSON.stringify([first.results, first.log.lines, second.results, second.log.lines]);
    for (const value of [...values, ...first.log.masked]) expect(seen).not.toContain(value);
    for (const value of values) expect([...first.log.masked, ...second.log.masked]).toContain(value);
    expect(first.results[0]?.objects.find((o) => o.name === 'stripe-api-key')).toMatchObject({ outcome: 'failed' });
    expect(first.results[0]?.status).toBe('partial');
    expect(second.results[0]?.objects.map((o) => o.outcome).sort()).toEqual([
      'already-rotated',
      'already-rotated',
      'rotated',
    ]);
  });

  it('keeps content type and validity length, and with all-previous disables every older version', async () => {
    const s = await start((vault) => {
      const db = vault.secrets?.find((x) => x.name === 'db-password');
      const current = db?.versions.at(-1);
      if (current) {
        current.contentType = 'text/plain';
        current.created = '2026-09-01T00:00:00Z';
        current.expires = '2026-11-30T00:00:00Z'; // 90 days
      }
    });
    const { results } = await apply(s, [rotateSecretsAction({ disable: 'all-previous' })]);

    expect(results[0]?.status).toBe('done');
    const versions = secretVersions(s, 'db-password');
    const fresh = versions.at(-1) as SecretVersion;
    expect(fresh.contentType).toBe('text/plain');
    expect(fresh.expires).toBeDefined();
    // The same 90 days, counted from the rotation (the fake's clock and ours agree within seconds).
    expect(Math.abs((fresh.expires as number) - fresh.created - 90 * 86_400)).toBeLessThan(60);
    expect(versions.slice(0, -1).map((v) => v.enabled)).toEqual([false, false]);
    expect(secretVersions(s, 'stripe-api-key').at(-1)?.expires).toBeUndefined();
  });

  it('for a manual secret disables the versions read and asks for rotation at the source', async () => {
    const s = await start();
    const action = rotateSecretsAction();
    action.params.secrets = [{ ...SECRETS[0]!, manual: true }];
    const { results } = await apply(s, [action]);

    const versions = secretVersions(s, 'db-password');
    expect(versions).toHaveLength(2);
    expect(versions.at(-1)?.enabled).toBe(false);
    expect(results[0]?.objects[0]).toMatchObject({
      outcome: 'manual',
      disabledVersions: SECRETS[0]?.compromisedVersions,
      checklist: expect.stringContaining('Rotate the credential stored in secret db-password at its source'),
    });
  });

  it('with scope all rotates the secrets found at apply time', async () => {
    const s = await start((vault) => vault.secrets?.push({ name: 'added-later', versions: [{ value: 'later' }] }));
    const { results } = await apply(s, [rotateSecretsAction({ secrets: [], allSecrets: true })]);

    expect(results[0]?.objects.map((o) => [o.name, o.outcome])).toEqual([
      ['db-password', 'rotated'],
      ['stripe-api-key', 'rotated'],
      ['jwt-signing-secret', 'rotated'],
      ['added-later', 'rotated'],
    ]);
    expect(secretVersions(s, 'added-later')).toHaveLength(2);
  });

  it('makes no change in a dry run and says what it would do', async () => {
    const s = await start();
    const from = s.requests.length;
    const { results } = await apply(s, [rotateSecretsAction(), rotateKeysAction, rotateCertificatesAction], {
      dryRun: true,
    });

    expect(writesSince(s, from)).toEqual([]);
    expect(results.map((r) => r.status)).toEqual(['dry-run', 'dry-run', 'dry-run']);
    expect(results.flatMap((r) => r.objects.map((o) => o.outcome))).toEqual(Array(5).fill('planned'));
    expect(results[0]?.objects[0]?.notes).toEqual([
      'would create a new version (from 0f1e2d3c4b5a69788796a5b4c3d2e1f0) and read it back',
      'would disable version 0f1e2d3c4b5a69788796a5b4c3d2e1f0',
    ]);
  });
});

/** The most Key Vault requests in flight at once during this part of the run. */
function maxInFlight(s: Sandbox, from: number): number {
  const kv = s.requests.slice(from).filter((r) => r.service === 'keyvault');
  return Math.max(...kv.map((r) => kv.filter((o) => o.start <= r.start && r.start < o.end).length));
}

describe('concurrency and throttling', () => {
  it('keeps at most `concurrency` objects in flight (default 8)', async () => {
    const s = await start();
    s.faults.add({ service: 'keyvault', fault: { kind: 'latency', ms: 25 } });
    let from = s.requests.length;
    await apply(s, [rotateSecretsAction()], { concurrency: 1 });
    expect(maxInFlight(s, from)).toBe(1);
    from = s.requests.length;
    await apply(s, [rotateSecretsAction({ disable: 'all-previous' }, 'rotate-2-rotate-secrets')]);
    expect(maxInFlight(s, from)).toBe(3);
  });

  it('retries a 429 without Retry-After (the SDK does not) and one with it (the SDK does)', async () => {
    const s = await start();
    s.faults.add({
      name: 'bare-429',
      service: 'keyvault',
      method: 'PUT',
      first: 2,
      fault: { kind: 'status', status: 429 },
    });
    s.faults.add({
      name: 'hinted-429',
      service: 'keyvault',
      method: 'PATCH',
      first: 2,
      fault: { kind: 'status', status: 429, retryAfterMs: 10 },
    });
    const { results } = await apply(s, [rotateSecretsAction()], { concurrency: 1 });

    expect(results[0]?.status).toBe('done');
    expect(s.faults.status().map((r) => [r.name, r.fired])).toEqual([
      ['bare-429', 2],
      ['hinted-429', 2],
    ]);
    for (const target of SECRETS) {
      expect(secretVersions(s, target.name).filter((v) => v.tags?.[TAG_ALERT_ID] === MARKER)).toHaveLength(1);
    }
  });
});

describe('temporary firewall rule', () => {
  const denyAll = (vault: Parameters<NonNullable<Parameters<typeof rotationScenario>[1]>>[0]) => {
    vault.networkAcls = { bypass: 'AzureServices', defaultAction: 'Deny', ipRules: [{ value: '203.0.113.0/24' }] };
  };

  it('adds a /32 rule for the runner when the vault firewall denies it, and removes it afterwards', async () => {
    const s = await start(denyAll);
    const { results, log } = await apply(s, [rotateSecretsAction()]);

    expect(results[0]?.status).toBe('done');
    expect(results[0]?.temporaryFirewallRule).toEqual({
      vault: VAULT,
      rule: `${RUNNER_ADDRESS}/32`,
      added: true,
      removed: true,
    });
    expect(vaultOf(s).networkAcls.ipRules).toEqual([{ value: '203.0.113.0/24' }]);
    expect(vaultOf(s).tags).toEqual({ owner: 'payments' });
    const armWrites = s.requests.filter((r) => r.service === 'arm' && r.method === 'PATCH');
    expect(armWrites).toHaveLength(2);
    expect(log.lines.some((l) => l.includes(`adding temporary firewall rule ${RUNNER_ADDRESS}/32`))).toBe(true);
  });

  it('removes the rule when the rotation fails too', async () => {
    const s = await start(denyAll);
    s.faults.add({ service: 'keyvault', method: 'PUT', fault: { kind: 'status', status: 500 } });
    const { results } = await apply(s, [rotateSecretsAction()]);

    expect(results[0]?.status).toBe('failed');
    expect(results[0]?.temporaryFirewallRule).toMatchObject({ added: true, removed: true });
    expect(vaultOf(s).networkAcls.ipRules).toEqual([{ value: '203.0.113.0/24' }]);
    // Nothing was disabled: no new version, so the old ones stay usable.
    for (const target of SECRETS) expect(secretVersions(s, target.name).every((v) => v.enabled)).toBe(true);
  });

  it('a rule an interrupted run could not remove is removed by the next run', async () => {
    const s = await start(denyAll);
    // The run's second vault read (the one before removing the rule) and its retries fail.
    for (const nth of [4, 3, 2]) {
      s.faults.add({ service: 'arm', method: 'GET', path: '/vaults/', nth, fault: { kind: 'reset' } });
    }
    const first = await apply(s, [rotateSecretsAction()]);
    s.faults.clear();

    expect(first.results[0]?.status).toBe('done');
    expect(first.results[0]?.temporaryFirewallRule).toMatchObject({ added: true, removed: false });
    expect(first.results[0]?.temporaryFirewallRule?.error).toContain(
      `remove ${RUNNER_ADDRESS}/32 from the vault firewall`,
    );
    expect(vaultOf(s).networkAcls.ipRules).toEqual([{ value: '203.0.113.0/24' }, { value: `${RUNNER_ADDRESS}/32` }]);

    const second = await apply(s, [rotateSecretsAction()]);
    expect(second.results[0]?.status).toBe('done');
    expect(second.results[0]?.temporaryFirewallRule).toEqual({
      vault: VAULT,
      rule: `${RUNNER_ADDRESS}/32`,
      added: false,
      removed: true,
      leftByEarlierRun: true,
    });
    expect(vaultOf(s).networkAcls.ipRules).toEqual([{ value: '203.0.113.0/24' }]);
    expect(vaultOf(s).tags).toEqual({ owner: 'payments' });
  });

  it('in a dry run says it would add the rule and changes nothing', async () => {
    const s = await start(denyAll);
    const { results } = await apply(s, [rotateSecretsAction()], { dryRun: true });

    expect(results[0]?.status).toBe('failed');
    expect(results[0]?.objects[0]?.error).toContain(
      `a real run adds the temporary rule ${RUNNER_ADDRESS}/32 and removes it afterwards`,
    );
    expect(s.requests.filter((r) => r.service === 'arm' && r.method !== 'GET')).toEqual([]);
  });
});

describe('disable-secrets and delete-secrets', () => {
  it('disables the listed versions, or the current version when none is listed; again changes nothing', async () => {
    const s = await start();
    const action: PlanAction = {
      id: 'rotate-1-disable-secrets',
      kind: 'disable-secrets',
      gate: 'rotate',
      reason: 'read by the caller',
      params: {
        secrets: [
          { name: 'db-password', compromisedVersions: [] },
          {
            name: 'stripe-api-key',
            compromisedVersions: ['1f1e2d3c4b5a69788796a5b4c3d2e1f0', 'ffffffffffffffffffffffffffffffff'],
          },
        ],
        allSecrets: false,
      },
    };
    const first = await apply(s, [action]);
    const second = await apply(s, [action]);

    expect(secretVersions(s, 'db-password').map((v) => v.enabled)).toEqual([true, false]);
    expect(secretVersions(s, 'stripe-api-key').map((v) => v.enabled)).toEqual([true, false]);
    expect(first.results[0]?.objects.map((o) => [o.outcome, o.disabledVersions, o.missingVersions])).toEqual([
      ['disabled', ['0f1e2d3c4b5a69788796a5b4c3d2e1f0'], []],
      ['disabled', ['1f1e2d3c4b5a69788796a5b4c3d2e1f0'], ['ffffffffffffffffffffffffffffffff']],
    ]);
    expect(second.results[0]?.objects.map((o) => o.outcome)).toEqual(['unchanged', 'unchanged']);
  });

  const deleteAction: PlanAction = {
    id: 'rotate-1-delete-secrets',
    kind: 'delete-secrets',
    gate: 'rotate',
    reason: 'no longer needed',
    params: { secrets: [{ name: 'jwt-signing-secret' }, { name: 'no-such-secret' }], allSecrets: false },
  };

  it('soft-deletes (never purges); again reports it as already deleted', async () => {
    const s = await start();
    const first = await apply(s, [deleteAction]);
    const second = await apply(s, [deleteAction]);

    expect(vaultOf(s).secrets.has('jwt-signing-secret')).toBe(false);
    expect(vaultOf(s).deletedSecrets.has('jwt-signing-secret')).toBe(true);
    expect(s.requests.some((r) => r.method === 'DELETE' && r.path.startsWith('/deletedsecrets'))).toBe(false);
    expect(first.results[0]?.objects.map((o) => o.outcome)).toEqual(['deleted', 'not-found']);
    expect(second.results[0]?.objects.map((o) => o.outcome)).toEqual(['already-deleted', 'not-found']);
  });

  it('refuses on a vault without soft delete', async () => {
    const s = await start((vault) => void (vault.enableSoftDelete = false));
    const { results } = await apply(s, [deleteAction]);

    expect(results[0]).toMatchObject({ status: 'refused', objects: [] });
    expect(results[0]?.message).toContain('soft delete is off');
    expect(vaultOf(s).secrets.has('jwt-signing-secret')).toBe(true);
  });
});

describe('rotate-keys and rotate-certificates', () => {
  it('rotate a key (compromised version disabled) and a self-signed certificate, tagged, once', async () => {
    const s = await start();
    const first = await apply(s, [rotateKeysAction, rotateCertificatesAction]);
    const keys = vaultOf(s).keys.get('signing-key')?.versions ?? [];
    const certs = vaultOf(s).certificates.get('tls-cert')?.versions ?? [];
    const snapshot = JSON.stringify([keys, certs]);
    const second = await apply(s, [rotateKeysAction, rotateCertificatesAction]);

    expect(first.results.map((r) => r.status)).toEqual(['done', 'done']);
    expect(keys).toHaveLength(3);
    expect(keys.map((k) => [k.version === OLD_KEY_VERSION, k.enabled])).toEqual([
      [true, true],
      [false, false],
      [false, true],
    ]);
    expect(keys.at(-1)?.tags).toEqual({ [TAG_ALERT_ID]: MARKER, [TAG_ROTATED_FROM]: COMPROMISED_KEY_VERSION });
    expect(certs).toHaveLength(2);
    expect(certs.at(-1)?.tags).toMatchObject({ [TAG_ALERT_ID]: MARKER, [TAG_ROTATED_FROM]: certs[0]?.version });
    expect(first.results[1]?.objects[0]).toMatchObject({ outcome: 'rotated', newVersion: certs.at(-1)?.version });
    expect(JSON.stringify([keys, certs])).toBe(snapshot);
    expect(second.results.flatMap((r) => r.objects.map((o) => o.outcome))).toEqual([
      'already-rotated',
      'already-rotated',
    ]);
  });
});

describe('access-policy vault', () => {
  it('works with exactly the access-policy permissions the setup guide gives the rotate identity', async () => {
    const s = await start((vault) => {
      vault.enableRbacAuthorization = false;
      vault.accessPolicies = [
        {
          objectId: '1a2b3c4d-0000-4000-8000-0000000000a1',
          permissions: {
            secrets: ['get', 'list', 'set', 'delete'],
            keys: ['get', 'list', 'update', 'rotate', 'delete'],
            certificates: ['get', 'list', 'update', 'create', 'delete', 'getissuers', 'listissuers'],
          },
        },
      ];
    });
    const { results } = await apply(s, [rotateSecretsAction(), rotateKeysAction, rotateCertificatesAction]);

    expect(results.map((r) => r.status)).toEqual(['done', 'done', 'done']);
    expect(results.flatMap((r) => r.objects.map((o) => o.outcome))).toEqual(Array(5).fill('rotated'));
  });
});
