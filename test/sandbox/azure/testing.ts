// Test support for the fake Azure's self-tests and contract tests: a small scenario with every kind of
// object, and a running core with only the Azure fakes attached.
import { generateKeyPairSync } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import { startCore, type SandboxCore } from '../core/index.js';
import type { SandboxContext } from '../core/types.js';
import { signJwtRs256 } from './jwt.js';
import { createFakeAzure, type FakeAzure } from './index.js';
import type { AuditRecord, AzureScenario } from './scenario.js';

export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const SUBSCRIPTION = '0b1f6471-1bf0-4dda-aec3-cb9272f09590';
export const RG = 'rg-secrets';
export const VAULT = 'kv-prod';
export const VAULT_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.KeyVault/vaults/${VAULT}`;
export const POLICY_VAULT = 'kv-legacy';
export const POLICY_VAULT_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.KeyVault/vaults/${POLICY_VAULT}`;
export const WORKSPACE_CUSTOMER_ID = '5c1b3e0d-8f8e-4b7e-9a59-0c1d2e3f4a5b';
export const WORKSPACE_ID = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-monitor/providers/Microsoft.OperationalInsights/workspaces/law-sec`;

export const RESPONDER = {
  displayName: 'kv-alert-playbook',
  objectId: '1a2b3c4d-0000-4000-8000-000000000001',
  appId: 'aaaaaaaa-0000-4000-8000-000000000001',
  secret: 'responder-secret',
  subject: 'repo:contoso/secops:environment:keyvault-rotation',
};
export const READER = {
  displayName: 'auditor-app',
  objectId: '1a2b3c4d-0000-4000-8000-000000000002',
  appId: 'aaaaaaaa-0000-4000-8000-000000000002',
  secret: 'reader-secret',
};
export const OUTSIDER = {
  displayName: 'web-frontend',
  objectId: '1a2b3c4d-0000-4000-8000-000000000003',
  appId: 'aaaaaaaa-0000-4000-8000-000000000003',
  secret: 'outsider-secret',
  address: '203.0.113.99',
};
export const TOR_IP = '185.220.101.7';
export const CURRENT_VERSION = 'c0ffee00c0ffee00c0ffee00c0ffee00';
const VAULT_URI = `https://${VAULT}.vault.azure.net`;
const LOGGED_ID = VAULT_ID.toUpperCase();

/** A data-plane audit record from `ip` (app caller claims) at minute `minute` past 10:00 on 2026-11-29. */
function record(
  minute: number,
  operationName: string,
  id: string,
  status: number,
  who: { ip: string; oid?: string; appid?: string },
): AuditRecord {
  return {
    time: `2026-11-29T10:${String(minute).padStart(2, '0')}:00.1234567Z`,
    resourceId: LOGGED_ID,
    operationName,
    resultType: status < 300 ? 'Success' : 'Failure',
    resultSignature: status === 200 ? 'OK' : status === 403 ? 'Forbidden' : 'Unauthorized',
    callerIpAddress: who.ip,
    identity: who.oid ? { claim: { oid: who.oid, appid: who.appid, idtyp: 'app' } } : {},
    properties: {
      id,
      requestUri: `${id}?api-version=7.5`,
      clientInfo: 'python-requests/2.31.0',
      httpStatusCode: status,
    },
  };
}

/** Seeded logs: a TOR caller lists and reads secrets; an admin reads the vault over ARM; others stay out. */
export const AUDIT_RECORDS: AuditRecord[] = [
  record(4, 'SecretList', `${VAULT_URI}/secrets`, 200, { ip: TOR_IP, oid: OUTSIDER.objectId, appid: OUTSIDER.appId }),
  record(5, 'SecretGet', `${VAULT_URI}/secrets/db-password/${CURRENT_VERSION}`, 200, {
    ip: TOR_IP,
    oid: OUTSIDER.objectId,
    appid: OUTSIDER.appId,
  }),
  record(6, 'SecretGet', `${VAULT_URI}/secrets/db-password/${CURRENT_VERSION}`, 200, {
    ip: TOR_IP,
    oid: OUTSIDER.objectId,
    appid: OUTSIDER.appId,
  }),
  record(7, 'SecretGet', `${VAULT_URI}/secrets/api-key`, 403, {
    ip: TOR_IP,
    oid: OUTSIDER.objectId,
    appid: OUTSIDER.appId,
  }),
  record(8, 'Authentication', `${VAULT_URI}/secrets/api-key`, 401, { ip: TOR_IP }),
  record(30, 'SecretGet', `${VAULT_URI}/secrets/db-password/${CURRENT_VERSION}`, 200, {
    ip: '198.51.100.10',
    oid: RESPONDER.objectId,
    appid: RESPONDER.appId,
  }),
  {
    ...record(20, 'VaultGet', `${VAULT_URI}/`, 200, { ip: '198.51.100.20' }),
    identity: {
      claim: {
        'http://schemas.microsoft.com/identity/claims/objectidentifier': '1a2b3c4d-0000-4000-8000-000000000004',
        'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn': 'alexw@contoso.example',
      },
    },
  },
  // Outside the alert window, and another vault: never counted.
  { ...record(0, 'SecretGet', `${VAULT_URI}/secrets/db-password`, 200, { ip: TOR_IP }), time: '2026-11-29T08:00:00Z' },
  {
    ...record(9, 'SecretGet', `https://${POLICY_VAULT}.vault.azure.net/secrets/legacy`, 200, { ip: TOR_IP }),
    resourceId: POLICY_VAULT_ID.toUpperCase(),
  },
];

export const USER = {
  displayName: 'Alex Wilber',
  objectId: '1a2b3c4d-0000-4000-8000-000000000004',
  upn: 'alexw@contoso.example',
};

export function testScenario(): AzureScenario {
  return {
    tenantId: TENANT,
    subscriptionId: SUBSCRIPTION,
    defaultClientAddress: '198.51.100.10',
    identities: [
      {
        displayName: RESPONDER.displayName,
        objectId: RESPONDER.objectId,
        kind: 'app',
        appId: RESPONDER.appId,
        clientSecrets: [RESPONDER.secret],
        federatedCredentials: [{ subject: RESPONDER.subject }],
      },
      {
        displayName: READER.displayName,
        objectId: READER.objectId,
        kind: 'app',
        appId: READER.appId,
        clientSecrets: [READER.secret],
      },
      {
        displayName: OUTSIDER.displayName,
        objectId: OUTSIDER.objectId,
        kind: 'app',
        appId: OUTSIDER.appId,
        clientSecrets: [OUTSIDER.secret],
        clientAddress: OUTSIDER.address,
      },
      { displayName: USER.displayName, objectId: USER.objectId, kind: 'user', upn: USER.upn },
    ],
    roleAssignments: [
      { principalId: RESPONDER.objectId, role: 'Key Vault Contributor', scope: VAULT_ID },
      { principalId: RESPONDER.objectId, role: 'Key Vault Secrets Officer', scope: VAULT_ID },
      { principalId: RESPONDER.objectId, role: 'Key Vault Crypto Officer', scope: VAULT_ID },
      { principalId: RESPONDER.objectId, role: 'Key Vault Certificates Officer', scope: VAULT_ID },
      { principalId: RESPONDER.objectId, role: 'User Access Administrator', scope: VAULT_ID },
      { principalId: RESPONDER.objectId, role: 'Key Vault Contributor', scope: POLICY_VAULT_ID },
      { principalId: RESPONDER.objectId, role: 'Log Analytics Reader', scope: WORKSPACE_ID },
      { principalId: RESPONDER.objectId, role: 'Security Reader', scope: `/subscriptions/${SUBSCRIPTION}` },
      { principalId: READER.objectId, role: 'Reader', scope: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RG}` },
      { principalId: OUTSIDER.objectId, role: 'Key Vault Secrets User', scope: `${VAULT_ID}/secrets/db-password` },
      { principalId: USER.objectId, role: 'Key Vault Secrets User', scope: VAULT_ID },
    ],
    vaults: [
      {
        name: VAULT,
        resourceGroup: RG,
        tags: { owner: 'payments' },
        networkAcls: { defaultAction: 'Allow' },
        secrets: [
          {
            name: 'db-password',
            versions: [
              { value: 'old-1', created: '2026-01-01T00:00:00Z' },
              { value: 'old-2', created: '2026-03-01T00:00:00Z' },
              {
                version: CURRENT_VERSION,
                value: 'current',
                created: '2026-06-01T00:00:00Z',
                contentType: 'text/plain',
                tags: { app: 'api' },
              },
            ],
          },
          { name: 'api-key', versions: [{ value: 'k1', enabled: false }] },
        ],
        keys: [{ name: 'signing-key', versions: [{}] }],
        certificates: [{ name: 'tls-cert', versions: [{}] }],
        diagnosticSettings: [{ workspaceResourceId: WORKSPACE_ID }],
      },
      {
        name: POLICY_VAULT,
        resourceGroup: RG,
        enableRbacAuthorization: false,
        enableSoftDelete: true,
        accessPolicies: [
          { objectId: RESPONDER.objectId, permissions: { secrets: ['get', 'list', 'set', 'delete', 'recover'] } },
          { objectId: OUTSIDER.objectId, permissions: { secrets: ['get'] } },
        ],
        secrets: [{ name: 'legacy', versions: [{ value: 'v' }] }],
      },
    ],
    workspaces: [
      {
        name: 'law-sec',
        resourceGroup: 'rg-monitor',
        customerId: WORKSPACE_CUSTOMER_ID,
        records: AUDIT_RECORDS,
      },
    ],
    alerts: [
      {
        name: '2517538088322968242_d2d8d5bd-0000-4000-8000-000000000001',
        resourceGroup: RG,
        location: 'westeurope',
        properties: {
          alertType: 'KV_SuspiciousIPAccess',
          alertDisplayName: 'Access from a suspicious IP address to a key vault',
          severity: 'Medium',
          compromisedEntity: VAULT,
          startTimeUtc: '2026-11-29T10:00:00.0000000Z',
          endTimeUtc: '2026-11-29T11:00:00.0000000Z',
          resourceIdentifiers: [{ type: 'AzureResource', azureResourceId: VAULT_ID }],
          intent: 'CredentialAccess',
        },
      },
    ],
  };
}

export interface RunningAzure {
  core: SandboxCore;
  azure: FakeAzure;
  ctx: SandboxContext;
  /** Moves the shared clock forward. */
  advance(ms: number): void;
  /** A GitHub-style OIDC token as the fake GitHub would mint it (RS256, the sandbox key). */
  githubIdToken(subject: string, options?: { audience?: string; lifetimeSeconds?: number; issuer?: string }): string;
  close(): Promise<void>;
}

/** Starts the core with the Azure fakes only (the GitHub side is not needed for these tests). */
export async function startAzure(scenario: AzureScenario = testScenario()): Promise<RunningAzure> {
  const core = await startCore();
  let offset = 0;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ctx: SandboxContext = {
    oidcIssuer: core.githubOrigin,
    oidcPrivateKey: privateKey,
    oidcPublicKey: publicKey,
    now: () => Date.now() + offset,
  };
  const azure = createFakeAzure(scenario, ctx);
  core.setHandler('entra', azure.handlers.entra);
  core.setHandler('arm', azure.handlers.arm);
  core.setHandler('keyvault', azure.handlers.keyvault);
  core.setHandler('logs', azure.handlers.logs);
  return {
    core,
    azure,
    ctx,
    advance: (ms) => void (offset += ms),
    githubIdToken: (subject, options = {}) => {
      const now = Math.floor(ctx.now() / 1000);
      return signJwtRs256(
        {
          iss: options.issuer ?? ctx.oidcIssuer,
          sub: subject,
          aud: options.audience ?? 'api://AzureADTokenExchange',
          iat: now,
          nbf: now,
          exp: now + (options.lifetimeSeconds ?? 300),
        },
        privateKey,
      );
    },
    close: () => core.close(),
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** One HTTPS request to a production URL through the sandbox agent, for checks below the SDKs (shapes, headers). */
export function rawRequest(
  core: SandboxCore,
  method: string,
  url: string,
  options: { headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method, agent: core.agent, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = text ? (JSON.parse(text) as unknown) : undefined;
        } catch {
          // not JSON: keep the text
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
