// The Azure parts of the shipped sandbox scenarios: each one loads, and each tells the story its description
// promises when the action's own queries and the real SDK clients look at it.
import { generateKeyPairSync } from 'node:crypto';
import { ClientSecretCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { LogsQueryClient, LogsQueryResultStatus } from '@azure/monitor-query-logs';
import { afterEach, describe, expect, it } from 'vitest';
import { buildImpactQuery } from '../../src/impact/kql.js';
import { azureClientOptions } from '../sandbox/core/index.js';
import { accessTokenFor, createFakeAzure } from '../sandbox/azure/index.js';
import { rawRequest, startAzure, type RunningAzure } from '../sandbox/azure/testing.js';
import { listScenarios, loadScenario } from '../sandbox/scenario.js';

const RESPONDER_SECRET = 'sandbox-responder-secret';
const running: RunningAzure[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((r) => r.close()));
});

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ctx = { oidcIssuer: 'http://127.0.0.1:1', oidcPrivateKey: privateKey, oidcPublicKey: publicKey, now: Date.now };

async function start(name: string) {
  const scenario = loadScenario(name).azure;
  const env = await startAzure(scenario);
  running.push(env);
  const responder = scenario.identities?.find((i) => i.displayName === 'kv-alert-playbook');
  const credential = new ClientSecretCredential(
    scenario.tenantId,
    responder?.appId ?? '',
    RESPONDER_SECRET,
    azureClientOptions(env.core),
  );
  return { scenario, env, credential, opts: azureClientOptions(env.core) };
}

describe('shipped scenarios (azure part)', () => {
  it.each(listScenarios())('%s is accepted by the fake Azure', (name) => {
    expect(() => createFakeAzure(loadScenario(name).azure, ctx)).not.toThrow();
  });

  it('refuses a broken scenario, naming every bad value', () => {
    const scenario = loadScenario('tor-reads-three-secrets').azure;
    const broken = {
      ...scenario,
      roleAssignments: [{ principalId: 'nobody', role: 'Key Vault Janitor', scope: '/' }],
    } as unknown as typeof scenario;
    expect(() => createFakeAzure(broken, ctx)).toThrow(
      /roleAssignments\[0\]\.principalId: must be a GUID.*roleAssignments\[0\]\.role: unknown role "Key Vault Janitor".*roleAssignments\[0\]\.scope/,
    );
  });

  it('tor-reads-three-secrets: the TOR caller read three secrets, one version each', async () => {
    const { scenario, credential, opts } = await start('tor-reads-three-secrets');
    const alert = scenario.alerts?.[0]?.properties as { startTimeUtc: string; endTimeUtc: string };
    const vault = scenario.vaults?.[0];
    const vaultResourceId = `/subscriptions/${scenario.subscriptionId}/resourceGroups/${vault?.resourceGroup}/providers/Microsoft.KeyVault/vaults/${vault?.name}`;
    const query = buildImpactQuery({
      vaultResourceId,
      start: alert.startTimeUtc,
      end: alert.endTimeUtc,
      ip: '185.220.101.7',
    });
    const result = await new LogsQueryClient(credential, opts).queryResource(vaultResourceId, query, {
      startTime: new Date(alert.startTimeUtc),
      endTime: new Date(alert.endTimeUtc),
    });
    if (result.status !== LogsQueryResultStatus.Success) throw new Error(`query ${result.status}`);
    const reads = (result.tables[0]?.rows ?? []).filter((r) => r[3] === 'SecretGet').map((r) => [r[1], r[6]]);
    expect(reads).toEqual([
      ['db-password', 1],
      ['jwt-signing-secret', 1],
      ['stripe-api-key', 1],
    ]);
  });

  it('user-on-rbac-vault: the user and the responder are both inside the firewall allow-list', async () => {
    const { scenario, env, credential, opts } = await start('user-on-rbac-vault');
    const vault = env.azure.state.vault(scenario.vaults?.[0]?.name ?? '');
    expect(vault?.networkAcls.defaultAction).toBe('Deny');
    const url = `https://${vault?.name}.vault.azure.net`;
    await expect(new SecretClient(url, credential, opts).getSecret('payroll-db')).resolves.toMatchObject({
      value: 'payroll-current',
    });
    const user = scenario.identities?.find((i) => i.kind === 'user');
    const token = accessTokenFor(env.azure.state, user?.objectId ?? '', 'https://vault.azure.net');
    const read = await rawRequest(env.core, 'GET', `${url}/secrets/payroll-db/?api-version=2025-07-01`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(read.status).toBe(200);
    expect(env.azure.state.workspaces[0]?.tables).toEqual(['AZKVAuditLogs']);
  });

  it('no-diagnostic-settings: the vault sends its logs nowhere', async () => {
    const { scenario, env } = await start('no-diagnostic-settings');
    const vault = env.azure.state.vault(scenario.vaults?.[0]?.name ?? '');
    expect(vault?.diagnosticSettings).toEqual([]);
    expect(vault?.enableRbacAuthorization).toBe(false);
  });
});
