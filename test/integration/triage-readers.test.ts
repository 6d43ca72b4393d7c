// identify-source and measure-impact with the real SDK clients against the sandbox's fake Azure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/alert/types.js';
import type { AzureContext } from '../../src/azure/context.js';
import { identifySource } from '../../src/triage/source.js';
import { measureImpact } from '../../src/triage/impact.js';
import { loadScenario, startSandbox, type Sandbox } from '../sandbox/index.js';
import { responderAzure } from '../support/azure.js';

const SUB = '0b1f6471-1bf0-4dda-aec3-cb9272f09590';
const VAULT_ID = `/subscriptions/${SUB}/resourceGroups/rg-payments/providers/Microsoft.KeyVault/vaults/kv-payments-prod`;
const CALLER = '1a2b3c4d-0000-4000-8000-0000000000b2';
const SELF = '1a2b3c4d-0000-4000-8000-0000000000a1';

const alert: Alert = {
  id: '2517538088322968242_tor-0001',
  type: 'KV_TORAccess',
  simulated: false,
  displayName: 'Access from a TOR exit node to a key vault',
  severity: 'High',
  status: 'Active',
  startTime: '2026-11-29T10:00:00.000Z',
  endTime: '2026-11-29T11:00:00.000Z',
  vault: { name: 'kv-payments-prod', resourceId: VAULT_ID, subscriptionId: SUB, resourceGroup: 'rg-payments' },
  source: { ip: '185.220.101.7', objectId: CALLER, appId: 'aaaaaaaa-0000-4000-8000-0000000000b2' },
  operations: [],
  targets: [],
  form: 'rest',
};

let sandbox: Sandbox;
let az: AzureContext;

beforeAll(async () => {
  const scenario = loadScenario('tor-reads-three-secrets');
  sandbox = await startSandbox(scenario);
  az = responderAzure(sandbox);
});
afterAll(async () => sandbox?.close());

describe('identifySource', () => {
  it('reads the vault, classifies the IP against playbook networks and finds the principal on an RBAC vault', async () => {
    const found = await identifySource(az, {
      alert,
      networks: new Map(),
      selfObjectId: SELF,
    });
    expect(found.unavailable).toEqual([]);
    expect(found.kind).toBe('app');
    expect(found.ip?.address).toBe('185.220.101.7');
    expect(found.ip?.classes).toEqual(['unknown']);
    expect(found.vault).toMatchObject({
      enableRbacAuthorization: true,
      networkAcls: { defaultAction: 'Allow', ipRules: [] },
    });
    expect(found.principal?.isSelf).toBe(false);
    expect(found.principal?.roleAssignments.vault.map((a) => a.roleName)).toEqual(['Key Vault Secrets User']);
    expect(found.tenant.relation).toBe('unknown');
  });

  it('says what it could not read instead of failing', async () => {
    const missing = {
      ...alert,
      vault: { ...alert.vault, name: 'kv-gone', resourceId: VAULT_ID.replace('kv-payments-prod', 'kv-gone') },
    };
    const found = await identifySource(az, { alert: missing, networks: new Map() });
    expect(found.vault).toBeUndefined();
    expect(found.unavailable).toEqual([
      { what: 'vault state', reason: 'vault kv-gone: not found in resource group rg-payments of subscription ' + SUB },
    ]);
  });
});

describe('measureImpact', () => {
  it('finds the workspace from diagnostic settings and lists what the caller read, per object and version', async () => {
    const impact = await measureImpact(az, { alert, lookback: 'P1D', tables: ['AzureDiagnostics', 'AZKVAuditLogs'] });
    expect(impact.status).toBe('measured');
    if (impact.status !== 'measured') return;
    const reads = impact.rows
      .filter((r) => r.operation === 'SecretGet')
      .map((r) => `${r.objectName}/${r.objectVersion}`);
    expect(reads.sort()).toEqual([
      'db-password/0f1e2d3c4b5a69788796a5b4c3d2e1f0',
      'jwt-signing-secret/2f1e2d3c4b5a69788796a5b4c3d2e1f0',
      'stripe-api-key/1f1e2d3c4b5a69788796a5b4c3d2e1f0',
    ]);
    expect(impact.evidence.workspaceId).toBe('5c1b3e0d-8f8e-4b7e-9a59-0c1d2e3f4a5b');
    expect(impact.evidence.resultSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(impact.evidence.timespan).toEqual({ start: '2026-11-28T10:00:00.000Z', end: '2026-11-29T12:00:00.000Z' });
  });

  it('reports unknown impact with the reason when the alert names no caller', async () => {
    const impact = await measureImpact(az, {
      alert: { ...alert, source: {} },
      lookback: 'P1D',
      tables: ['AzureDiagnostics'],
    });
    expect(impact).toMatchObject({
      status: 'unknown',
      reason: 'the alert names no caller IP, object id or UPN to look for',
    });
  });
});
