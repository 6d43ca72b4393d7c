// Self-tests of the fake Azure: every route driven by the real SDK clients the action uses, through the
// sandbox core with production host names (challenge, retry and paging policies run as in production).
import { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { getClient } from '@azure-rest/core-client';
import { ClientAssertionCredential, ClientSecretCredential } from '@azure/identity';
import { CertificateClient, DefaultCertificatePolicy } from '@azure/keyvault-certificates';
import { KeyClient } from '@azure/keyvault-keys';
import { SecretClient } from '@azure/keyvault-secrets';
import { LogsQueryClient, LogsQueryResultStatus } from '@azure/monitor-query-logs';
import { buildCallersQuery, buildImpactQuery } from '../../src/impact/kql.js';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { azureClientOptions, type AzureClientOptions } from '../sandbox/core/index.js';
import { accessTokenFor } from '../sandbox/azure/index.js';
import {
  OUTSIDER,
  POLICY_VAULT,
  CURRENT_VERSION,
  RG,
  READER,
  TOR_IP,
  RESPONDER,
  rawRequest,
  startAzure,
  SUBSCRIPTION,
  TENANT,
  USER,
  VAULT,
  VAULT_ID,
  WORKSPACE_CUSTOMER_ID,
  WORKSPACE_ID,
  type RunningAzure,
} from '../sandbox/azure/testing.js';

const ARM_SCOPE = 'https://management.azure.com/.default';
const VAULT_URL = `https://${VAULT}.vault.azure.net`;

let env: RunningAzure;
let opts: AzureClientOptions;
const running: RunningAzure[] = [];

beforeEach(async () => {
  env = await startAzure();
  running.push(env);
  opts = azureClientOptions(env.core);
});

afterAll(async () => {
  await Promise.all(running.map((r) => r.close()));
});

function secretCredential(who: { appId: string; secret: string }) {
  return new ClientSecretCredential(TENANT, who.appId, who.secret, opts);
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

async function rejection(p: Promise<unknown>): Promise<{ message: string; code?: string; statusCode?: number }> {
  try {
    await p;
  } catch (error) {
    return error as { message: string; code?: string; statusCode?: number };
  }
  throw new Error('expected the call to fail');
}

function requestLines(): string[] {
  return env.core.requests.map((r) => `${r.method} ${r.host} ${r.path.split('?')[0]} ${r.status}`);
}

describe('Entra token endpoint', () => {
  it('issues a token for a client secret that names the app, tenant and requested resource', async () => {
    const token = await secretCredential(RESPONDER).getToken('https://vault.azure.net/.default');
    expect(claimsOf(token.token)).toMatchObject({
      oid: RESPONDER.objectId,
      appid: RESPONDER.appId,
      tid: TENANT,
      aud: 'https://vault.azure.net',
    });
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 3000_000);
  });

  it('refuses a wrong secret and an unknown app with the AADSTS codes', async () => {
    const wrong = await rejection(secretCredential({ ...RESPONDER, secret: 'nope' }).getToken(ARM_SCOPE));
    expect(wrong.message).toContain('AADSTS7000215');
    const unknown = await rejection(
      new ClientSecretCredential(TENANT, '99999999-0000-4000-8000-000000000009', 'x', opts).getToken(ARM_SCOPE),
    );
    expect(unknown.message).toContain('AADSTS700016');
  });

  it('exchanges a GitHub OIDC token whose subject matches a federated credential', async () => {
    const credential = new ClientAssertionCredential(
      TENANT,
      RESPONDER.appId,
      async () => env.githubIdToken(RESPONDER.subject),
      opts,
    );
    const token = await credential.getToken(ARM_SCOPE);
    expect(claimsOf(token.token)).toMatchObject({ oid: RESPONDER.objectId, aud: 'https://management.azure.com' });
  });

  it('refuses an assertion from another environment, naming its subject (AADSTS700213)', async () => {
    const subject = 'repo:contoso/secops:ref:refs/heads/main';
    const credential = new ClientAssertionCredential(
      TENANT,
      RESPONDER.appId,
      async () => env.githubIdToken(subject),
      opts,
    );
    const error = await rejection(credential.getToken(ARM_SCOPE));
    expect(error.message).toContain('AADSTS700213');
    expect(error.message).toContain(`assertion subject '${subject}'`);
  });

  it('refuses an expired assertion (AADSTS700024), a foreign signer and a wrong audience', async () => {
    const stale = env.githubIdToken(RESPONDER.subject);
    env.advance(10 * 60_000);
    const expired = await rejection(
      new ClientAssertionCredential(TENANT, RESPONDER.appId, async () => stale, opts).getToken(ARM_SCOPE),
    );
    expect(expired.message).toContain('AADSTS700024');

    const other = await startAzure();
    running.push(other);
    const foreign = await rejection(
      new ClientAssertionCredential(
        TENANT,
        RESPONDER.appId,
        async () => other.githubIdToken(RESPONDER.subject),
        opts,
      ).getToken(ARM_SCOPE),
    );
    expect(foreign.message).toContain('AADSTS50013');

    const audience = await rejection(
      new ClientAssertionCredential(
        TENANT,
        RESPONDER.appId,
        async () => env.githubIdToken(RESPONDER.subject, { audience: 'https://github.com/contoso' }),
        opts,
      ).getToken(ARM_SCOPE),
    );
    expect(audience.message).toContain('AADSTS700212');
  });

  it('serves OpenID metadata and instance discovery for MSAL', async () => {
    const meta = await rawRequest(
      env.core,
      'GET',
      `https://login.microsoftonline.com/${TENANT}/v2.0/.well-known/openid-configuration`,
    );
    expect(meta.body).toMatchObject({
      token_endpoint: `https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`,
      issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`,
    });
    const discovery = await rawRequest(
      env.core,
      'GET',
      `https://login.microsoftonline.com/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(`https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/authorize`)}`,
    );
    expect(discovery.body).toMatchObject({
      tenant_discovery_endpoint: `https://login.microsoftonline.com/${TENANT}/v2.0/.well-known/openid-configuration`,
    });
  });
});

describe('ARM: Key Vault vaults', () => {
  function arm(who: { appId: string; secret: string } = RESPONDER) {
    return new KeyVaultManagementClient(secretCredential(who), SUBSCRIPTION, opts);
  }

  it('gets a vault with its network rules, mode and URI, and 404s an unknown one', async () => {
    const vault = await arm().vaults.get(RG, VAULT);
    expect(vault.id).toBe(VAULT_ID);
    expect(vault.properties).toMatchObject({
      vaultUri: `${VAULT_URL}/`,
      enableRbacAuthorization: true,
      tenantId: TENANT,
      networkAcls: { defaultAction: 'Allow', bypass: 'AzureServices', ipRules: [] },
    });
    const missing = await rejection(arm().vaults.get(RG, 'kv-nope'));
    expect(missing).toMatchObject({ statusCode: 404, code: 'ResourceNotFound' });
  });

  it('replaces networkAcls as a whole on PATCH', async () => {
    await arm().vaults.update(RG, VAULT, {
      properties: { networkAcls: { defaultAction: 'Deny', ipRules: [{ value: '198.51.100.0/24' }] } },
    });
    expect(env.azure.state.vault(VAULT)?.networkAcls).toEqual({
      bypass: 'AzureServices',
      defaultAction: 'Deny',
      ipRules: [{ value: '198.51.100.0/24' }],
      virtualNetworkRules: [],
    });
  });

  it('completes a PUT at once (provisioningState Succeeded)', async () => {
    const current = await arm().vaults.get(RG, VAULT);
    const poller = await arm().vaults.beginCreateOrUpdate(
      RG,
      VAULT,
      { location: current.location ?? 'westeurope', properties: { ...current.properties, tenantId: TENANT } },
      { updateIntervalInMs: 10 },
    );
    const result = await poller.pollUntilDone();
    expect(result.properties.provisioningState).toBe('Succeeded');
  });

  it('adds, replaces and removes access-policy permissions', async () => {
    const client = arm();
    const policy = (secrets: string[]) => ({
      properties: { accessPolicies: [{ tenantId: TENANT, objectId: OUTSIDER.objectId, permissions: { secrets } }] },
    });
    const added = await client.vaults.updateAccessPolicy(RG, POLICY_VAULT, 'add', policy(['list']));
    expect(added.name).toBe('add');
    const entry = () =>
      env.azure.state.vault(POLICY_VAULT)?.accessPolicies.find((p) => p.objectId === OUTSIDER.objectId);
    expect(entry()?.permissions.secrets).toEqual(['get', 'list']);
    await client.vaults.updateAccessPolicy(RG, POLICY_VAULT, 'replace', policy(['get']));
    expect(entry()?.permissions.secrets).toEqual(['get']);
    const removed = await client.vaults.updateAccessPolicy(RG, POLICY_VAULT, 'remove', policy(['get']));
    expect(removed.name).toBe('remove');
    expect(entry()).toBeUndefined();
  });

  it('answers AuthorizationFailed naming the action and scope when the role is missing', async () => {
    const error = await rejection(
      arm(READER).vaults.update(RG, VAULT, { properties: { networkAcls: { defaultAction: 'Deny' } } }),
    );
    expect(error).toMatchObject({ statusCode: 403, code: 'AuthorizationFailed' });
    expect(error.message).toContain(`with object id '${READER.objectId}'`);
    expect(error.message).toContain("perform action 'Microsoft.KeyVault/vaults/write'");
    expect(error.message).toContain(`over scope '${VAULT_ID}'`);
    // Reader at the resource group reads the vault (inherited downwards).
    await expect(arm(READER).vaults.get(RG, VAULT)).resolves.toMatchObject({ name: VAULT });
  });

  it('answers 401 without a token and ExpiredAuthenticationToken once the token expired', async () => {
    const url = `https://management.azure.com${VAULT_ID}?api-version=2026-02-01`;
    const anonymous = await rawRequest(env.core, 'GET', url);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ error: { code: 'AuthenticationFailed' } });
    const token = accessTokenFor(env.azure.state, RESPONDER.objectId, 'https://management.azure.com/');
    env.advance(2 * 3600_000);
    const expired = await rawRequest(env.core, 'GET', url, { headers: { authorization: `Bearer ${token}` } });
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ error: { code: 'ExpiredAuthenticationToken' } });
  });
});

describe('ARM: role assignments, diagnostic settings, workspaces, Defender alerts', () => {
  function rest(who: { appId: string; secret: string } = RESPONDER) {
    return getClient('https://management.azure.com', secretCredential(who), {
      ...opts,
      credentials: { scopes: [ARM_SCOPE] },
    });
  }

  async function listAll(path: string, query: Record<string, string>): Promise<{ items: unknown[]; pages: number }> {
    const client = rest();
    const items: unknown[] = [];
    let pages = 0;
    let res = await client.pathUnchecked(path).get({ queryParameters: { 'api-version': '2022-04-01', ...query } });
    for (;;) {
      expect(res.status).toBe('200');
      pages += 1;
      const body = res.body as { value: unknown[]; nextLink?: string };
      items.push(...body.value);
      if (!body.nextLink) return { items, pages };
      expect(body.nextLink.startsWith('https://management.azure.com/')).toBe(true);
      res = await client.pathUnchecked(body.nextLink).get({ skipUrlEncoding: true });
    }
  }

  const assignments = `${VAULT_ID}/providers/Microsoft.Authorization/roleAssignments`;

  it('lists assignments for a principal at a vault, inherited ones included', async () => {
    const { items } = await listAll(assignments, { $filter: `principalId eq '${READER.objectId}'` });
    expect(items).toEqual([
      expect.objectContaining({
        properties: expect.objectContaining({
          principalId: READER.objectId,
          scope: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RG}`,
          roleDefinitionId: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`,
        }),
      }),
    ]);
  });

  it('includes assignments below the scope unless atScope() is asked for', async () => {
    const below = await listAll(assignments, { $filter: `principalId eq '${OUTSIDER.objectId}'` });
    expect(below.items).toHaveLength(1);
    const atScope = await listAll(assignments, { $filter: `atScope() and principalId eq '${OUTSIDER.objectId}'` });
    expect(atScope.items).toHaveLength(0);
  });

  it('pages long lists with absolute nextLinks', async () => {
    for (let i = 0; i < 230; i++) {
      env.azure.state.roleAssignments.push({
        name: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        principalId: USER.objectId,
        role: 'Reader',
        scope: VAULT_ID,
        createdOn: '2026-01-01T00:00:00Z',
      });
    }
    const { items, pages } = await listAll(assignments, { $filter: `principalId eq '${USER.objectId}'` });
    expect(items).toHaveLength(231);
    expect(pages).toBe(3);
  });

  it('deletes an assignment by id; the principal loses the access', async () => {
    const { items } = await listAll(assignments, { $filter: `principalId eq '${USER.objectId}'` });
    const id = (items[0] as { id: string }).id;
    const res = await rest()
      .pathUnchecked(id)
      .delete({ queryParameters: { 'api-version': '2022-04-01' } });
    expect(res.status).toBe('200');
    expect(env.azure.state.roleAssignments.some((a) => a.principalId === USER.objectId)).toBe(false);
    const again = await rest()
      .pathUnchecked(id)
      .delete({ queryParameters: { 'api-version': '2022-04-01' } });
    expect(again.status).toBe('204');
  });

  it('refuses a delete without Microsoft.Authorization/roleAssignments/delete', async () => {
    const { items } = await listAll(assignments, { $filter: `principalId eq '${USER.objectId}'` });
    const id = (items[0] as { id: string }).id;
    const res = await rest(READER)
      .pathUnchecked(id)
      .delete({ queryParameters: { 'api-version': '2022-04-01' } });
    expect(res.status).toBe('403');
    expect((res.body as { error: { message: string } }).error.message).toContain(
      "'Microsoft.Authorization/roleAssignments/delete'",
    );
  });

  it('lists the vault diagnostic settings and gets the workspace they point to', async () => {
    const diag = await rest()
      .pathUnchecked(`${VAULT_ID}/providers/Microsoft.Insights/diagnosticSettings`)
      .get({ queryParameters: { 'api-version': '2021-05-01-preview' } });
    expect(diag.status).toBe('200');
    const workspaceId = (diag.body as { value: { properties: { workspaceId: string } }[] }).value[0]?.properties
      .workspaceId;
    expect(workspaceId).toBe(WORKSPACE_ID);
    const ws = await rest()
      .pathUnchecked(WORKSPACE_ID)
      .get({ queryParameters: { 'api-version': '2023-09-01' } });
    expect(ws.body).toMatchObject({ properties: { customerId: env.azure.state.workspaces[0]?.customerId } });
  });

  it('gets a Defender alert and its status, lists alerts and resolves one', async () => {
    const alert = env.azure.state.alerts[0];
    const path = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.Security/locations/westeurope/alerts/${alert?.name}`;
    const got = await rest()
      .pathUnchecked(path)
      .get({ queryParameters: { 'api-version': '2022-01-01' } });
    expect(got.body).toMatchObject({ properties: { status: 'Active', alertType: 'KV_SuspiciousIPAccess' } });
    const list = await rest()
      .pathUnchecked(`/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Security/alerts`)
      .get({ queryParameters: { 'api-version': '2022-01-01' } });
    expect((list.body as { value: unknown[] }).value).toHaveLength(1);
    const missing = await rest()
      .pathUnchecked(path.replace(/alerts\/.*/, 'alerts/nope'))
      .get({ queryParameters: { 'api-version': '2022-01-01' } });
    expect(missing.status).toBe('404');
    const refused = await rest()
      .pathUnchecked(`${path}/resolve`)
      .post({ queryParameters: { 'api-version': '2022-01-01' } });
    expect(refused.status).toBe('403');
    env.azure.state.roleAssignments.push({
      name: 'e0d1c2b3-0000-4000-8000-00000000000a',
      principalId: RESPONDER.objectId,
      role: 'Security Admin',
      scope: `/subscriptions/${SUBSCRIPTION}`,
      createdOn: '2026-01-01T00:00:00Z',
    });
    const resolved = await rest()
      .pathUnchecked(`${path}/resolve`)
      .post({ queryParameters: { 'api-version': '2022-01-01' } });
    expect(resolved.status).toBe('204');
    expect(alert?.properties.status).toBe('Resolved');
  });
});

describe('Key Vault data plane', () => {
  function secrets(who: { appId: string; secret: string } = RESPONDER, vault = VAULT) {
    return new SecretClient(`https://${vault}.vault.azure.net`, secretCredential(who), opts);
  }

  it('challenges the first, body-less request and then takes the real one', async () => {
    const set = await secrets().setSecret('db-password', 'rotated', { contentType: 'text/plain' });
    expect(set.properties.version).toMatch(/^[0-9a-f]{32}$/);
    expect(set.properties.id).toBe(`${VAULT_URL}/secrets/db-password/${set.properties.version}`);
    expect(env.azure.state.currentSecret(VAULT, 'db-password')?.value).toBe('rotated');
    const kv = env.core.requests.filter((r) => r.service === 'keyvault');
    expect(kv.map((r) => r.status)).toEqual([401, 200]);
    const anonymous = await rawRequest(env.core, 'GET', `${VAULT_URL}/secrets/db-password/?api-version=2026-04-01`);
    expect(anonymous.headers['www-authenticate']).toBe(
      `Bearer authorization="https://login.microsoftonline.com/${TENANT}", resource="https://vault.azure.net"`,
    );
  });

  it('gets the latest or a given version; a disabled version is forbidden', async () => {
    const client = secrets();
    expect((await client.getSecret('db-password')).value).toBe('current');
    const first = env.azure.state.vault(VAULT)?.secrets.get('db-password')?.versions[0];
    expect((await client.getSecret('db-password', { version: first?.version })).value).toBe('old-1');
    const disabled = await rejection(client.getSecret('api-key'));
    expect(disabled).toMatchObject({ statusCode: 403, code: 'Forbidden' });
    expect(disabled.message).toBe('Operation get is not allowed on a disabled secret.');
    const missing = await rejection(client.getSecret('nope'));
    expect(missing).toMatchObject({ statusCode: 404, code: 'SecretNotFound' });
  });

  it('updates attributes and tags of one version', async () => {
    const first = env.azure.state.vault(VAULT)?.secrets.get('db-password')?.versions[0];
    const updated = await secrets().updateSecretProperties('db-password', first?.version ?? '', {
      enabled: false,
      tags: { compromised: 'true' },
    });
    expect(updated.enabled).toBe(false);
    expect(first).toMatchObject({ enabled: false, tags: { compromised: 'true' } });
  });

  it('pages versions with absolute https nextLinks and maxresults, and lists secrets', async () => {
    const pages: string[][] = [];
    for await (const page of secrets().listPropertiesOfSecretVersions('db-password').byPage({ maxPageSize: 2 })) {
      pages.push(page.map((p) => p.version ?? ''));
    }
    expect(pages.map((p) => p.length)).toEqual([2, 1]);
    const paths = env.core.requests.filter((r) => r.service === 'keyvault' && r.status === 200).map((r) => r.path);
    expect(paths[1]).toContain('maxresults=2');
    expect(paths[1]).toContain('skiptoken=2');
    const names: string[] = [];
    for await (const p of secrets().listPropertiesOfSecrets()) names.push(p.name);
    expect(names.sort()).toEqual(['api-key', 'db-password']);
  });

  it('soft-deletes, shows the deleted secret, refuses the name while deleted, and recovers', async () => {
    const vault = env.azure.state.vault(VAULT);
    if (vault) vault.deletedSecretLagPolls = 2; // the poller keeps polling through 404s
    const client = secrets();
    const poller = await client.beginDeleteSecret('db-password', { intervalInMs: 10 });
    const deleted = await poller.pollUntilDone();
    expect(deleted.recoveryId).toBe(`${VAULT_URL}/deletedsecrets/db-password`);
    expect((await client.getDeletedSecret('db-password')).name).toBe('db-password');
    const polls = env.core.requests.filter((r) => r.path.startsWith('/deletedsecrets/db-password'));
    expect(polls.map((r) => r.status)).toEqual([404, 404, 200, 200]);
    const conflict = await rejection(client.setSecret('db-password', 'x'));
    expect(conflict).toMatchObject({ statusCode: 409, code: 'Conflict' });
    const recover = await client.beginRecoverDeletedSecret('db-password', { intervalInMs: 10 });
    await recover.pollUntilDone();
    expect((await client.getSecret('db-password')).value).toBe('current');
  });

  it('lists and purges deleted secrets; without soft delete a delete is final', async () => {
    const client = secrets();
    await (await client.beginDeleteSecret('api-key', { intervalInMs: 10 })).pollUntilDone();
    const deleted: string[] = [];
    for await (const d of client.listDeletedSecrets()) deleted.push(d.name);
    expect(deleted).toEqual(['api-key']);
    await client.purgeDeletedSecret('api-key');
    expect(env.azure.state.vault(VAULT)?.deletedSecrets.size).toBe(0);

    const vault = env.azure.state.vault(POLICY_VAULT);
    if (!vault) throw new Error('vault missing');
    vault.enableSoftDelete = false;
    const gone = await (
      await secrets(RESPONDER, POLICY_VAULT).beginDeleteSecret('legacy', { intervalInMs: 10 })
    ).pollUntilDone();
    expect(gone.recoveryId).toBeUndefined();
    expect(vault.secrets.size + vault.deletedSecrets.size).toBe(0);
  });

  it('enforces RBAC per secret scope with ForbiddenByRbac naming the action', async () => {
    expect((await secrets(OUTSIDER).getSecret('db-password')).value).toBe('current');
    const error = await rejection(secrets(OUTSIDER).setSecret('db-password', 'x'));
    expect(error).toMatchObject({ statusCode: 403, code: 'Forbidden' });
    expect(error.message).toContain("Action: 'Microsoft.KeyVault/vaults/secrets/setSecret/action'");
    expect(error.message).toContain('Caller is not authorized to perform action on resource');
  });

  it('enforces access policies on an access-policy vault', async () => {
    expect((await secrets(OUTSIDER, POLICY_VAULT).getSecret('legacy')).value).toBe('v');
    const error = await rejection(secrets(OUTSIDER, POLICY_VAULT).setSecret('legacy', 'x'));
    expect(error).toMatchObject({ statusCode: 403, code: 'Forbidden' });
    expect(error.message).toContain('does not have secrets set permission');
  });

  it('denies a caller outside the firewall allow-list with ForbiddenByFirewall and its address', async () => {
    const vault = env.azure.state.vault(VAULT);
    if (!vault) throw new Error('vault missing');
    vault.networkAcls = { ...vault.networkAcls, defaultAction: 'Deny', ipRules: [{ value: '198.51.100.0/24' }] };
    expect((await secrets().getSecret('db-password')).value).toBe('current');
    const error = (await rejection(secrets(OUTSIDER).getSecret('db-password'))) as {
      message: string;
      code?: string;
      details?: { error?: { innerError?: { code?: string } } };
    };
    expect(error.code).toBe('Forbidden');
    expect(error.details?.error?.innerError?.code).toBe('ForbiddenByFirewall');
    expect(error.message).toContain(`Client address: ${OUTSIDER.address}`);
    expect(error.message).toContain(`Vault: ${VAULT};location=westeurope`);
  });

  it('rotates a key, lists its versions and disables the old one', async () => {
    const keys = new KeyClient(VAULT_URL, secretCredential(RESPONDER), opts);
    const before = await keys.getKey('signing-key');
    const rotated = await keys.rotateKey('signing-key');
    expect(rotated.properties.version).not.toBe(before.properties.version);
    const versions: string[] = [];
    for await (const v of keys.listPropertiesOfKeyVersions('signing-key')) versions.push(v.version ?? '');
    expect(versions).toHaveLength(2);
    const disabled = await keys.updateKeyProperties('signing-key', before.properties.version ?? '', { enabled: false });
    expect(disabled.properties.enabled).toBe(false);
    await keys.createRsaKey('wrapping-key');
    const names: string[] = [];
    for await (const k of keys.listPropertiesOfKeys()) names.push(k.name);
    expect(names.sort()).toEqual(['signing-key', 'wrapping-key']);
  });

  it('creates a new certificate version through the pending operation', async () => {
    const certs = new CertificateClient(VAULT_URL, secretCredential(RESPONDER), opts);
    const before = await certs.getCertificate('tls-cert');
    const poller = await certs.beginCreateCertificate('tls-cert', DefaultCertificatePolicy, { intervalInMs: 10 });
    const created = await poller.pollUntilDone();
    expect(created.properties.version).not.toBe(before.properties.version);
    const versions: string[] = [];
    for await (const v of certs.listPropertiesOfCertificateVersions('tls-cert')) versions.push(v.version ?? '');
    expect(versions).toHaveLength(2);
    expect((await certs.getCertificatePolicy('tls-cert')).issuerName).toBe('Self');
    const listed: string[] = [];
    for await (const c of certs.listPropertiesOfCertificates()) listed.push(c.name ?? '');
    expect(listed).toEqual(['tls-cert']);
    const disabled = await certs.updateCertificateProperties('tls-cert', before.properties.version ?? '', {
      enabled: false,
    });
    expect(disabled.properties.enabled).toBe(false);
  });
});

describe('faults reach the SDK as the real service would send them', () => {
  it('retries a 503 and honours retry-after-ms', async () => {
    // Default back-off of a minute: the call finishes within the test timeout only if retry-after-ms is honoured.
    const slow = { ...opts, retryOptions: { maxRetries: 2, retryDelayInMs: 60_000, maxRetryDelayInMs: 60_000 } };
    env.core.faults.add({
      service: 'keyvault',
      method: 'GET',
      path: '^/secrets/db-password',
      first: 2,
      fault: { kind: 'status', status: 503, retryAfterMs: 10 },
    });
    const secret = await new SecretClient(
      VAULT_URL,
      new ClientSecretCredential(TENANT, RESPONDER.appId, RESPONDER.secret, slow),
      slow,
    ).getSecret('db-password');
    expect(secret.value).toBe('current');
    // The faults answer first (the core answers before the handler): the challenge comes after the retries.
    expect(requestLines().filter((l) => l.includes('vault.azure.net'))).toEqual([
      `GET ${VAULT}.vault.azure.net /secrets/db-password/ 503`,
      `GET ${VAULT}.vault.azure.net /secrets/db-password/ 503`,
      `GET ${VAULT}.vault.azure.net /secrets/db-password/ 401`,
      `GET ${VAULT}.vault.azure.net /secrets/db-password/ 200`,
    ]);
  });

  it('surfaces a 429 without Retry-After as an error', async () => {
    env.core.faults.add({ service: 'arm', fault: { kind: 'status', status: 429 } });
    const client = new KeyVaultManagementClient(secretCredential(RESPONDER), SUBSCRIPTION, opts);
    const error = await rejection(client.vaults.get(RG, VAULT));
    expect(error.statusCode).toBe(429);
  });
});

describe("Log Analytics: the action's own queries over seeded audit records", () => {
  const window = { start: '2026-11-29T10:00:00Z', end: '2026-11-29T11:00:00Z' };
  const timespan = { startTime: new Date(window.start), endTime: new Date(window.end) };
  const impact = buildImpactQuery({ vaultResourceId: VAULT_ID, ...window, ip: TOR_IP, objectId: OUTSIDER.objectId });
  const expectedImpact = [
    ['secret', '', '', 'SecretList', 'OK', 200, 1],
    ['secret', 'api-key', '', 'Authentication', 'Unauthorized', 401, 1],
    ['secret', 'api-key', '', 'SecretGet', 'Forbidden', 403, 1],
    ['secret', 'db-password', CURRENT_VERSION, 'SecretGet', 'OK', 200, 2],
  ];

  function logs(who: { appId: string; secret: string } = RESPONDER) {
    return new LogsQueryClient(secretCredential(who), opts);
  }

  function rowsOf(result: Awaited<ReturnType<LogsQueryClient['queryWorkspace']>>): unknown[][] {
    if (result.status !== LogsQueryResultStatus.Success) throw new Error(`query status ${result.status}`);
    return (result.tables[0]?.rows ?? []).map((r) => r.map((c) => (c instanceof Date ? c.toISOString() : c)));
  }

  it('summarises what the caller touched, per object, version, operation and result', async () => {
    const result = await logs().queryWorkspace(WORKSPACE_CUSTOMER_ID, impact, timespan);
    const rows = rowsOf(result);
    expect(rows.map((r) => r.slice(0, 7))).toEqual(expectedImpact);
    expect(rows[3]?.slice(7)).toEqual(['2026-11-29T10:05:00.123Z', '2026-11-29T10:06:00.123Z']);
    expect(
      result.status === LogsQueryResultStatus.Success && result.tables[0]?.columnDescriptors.map((c) => c.name),
    ).toEqual([
      'ObjectType',
      'ObjectName',
      'ObjectVersion',
      'OperationName',
      'Result',
      'HttpStatusCode',
      'Count',
      'FirstSeen',
      'LastSeen',
    ]);
  });

  it('answers the same from the resource-specific table and through a resource-centric query', async () => {
    const ws = env.azure.state.workspaces[0];
    if (!ws) throw new Error('workspace missing');
    ws.tables = ['AZKVAuditLogs'];
    const byTable = rowsOf(await logs().queryWorkspace(WORKSPACE_CUSTOMER_ID, impact, timespan));
    expect(byTable.map((r) => r.slice(0, 7))).toEqual(expectedImpact);
    const onlyDiagnostics = buildImpactQuery({
      vaultResourceId: VAULT_ID,
      ...window,
      ip: TOR_IP,
      tables: ['AzureDiagnostics'],
    });
    expect(rowsOf(await logs().queryWorkspace(WORKSPACE_CUSTOMER_ID, onlyDiagnostics, timespan))).toEqual([]);
    const byResource = rowsOf(await logs().queryResource(VAULT_ID, impact, timespan));
    expect(byResource.map((r) => r.slice(0, 7))).toEqual(expectedImpact);
    expect(env.core.requests.some((r) => r.path.startsWith('/v1//subscriptions/'))).toBe(true);
  });

  it('finds an ARM caller by the long claim spellings, and lists callers busiest first', async () => {
    const byUpn = buildImpactQuery({ vaultResourceId: VAULT_ID, ...window, upn: USER.upn });
    expect(
      rowsOf(await logs().queryWorkspace(WORKSPACE_CUSTOMER_ID, byUpn, timespan)).map((r) => r.slice(0, 7)),
    ).toEqual([['vault', '', '', 'VaultGet', 'OK', 200, 1]]);
    const callers = buildCallersQuery({ vaultResourceId: VAULT_ID, ...window });
    const rows = rowsOf(await logs().queryWorkspace(WORKSPACE_CUSTOMER_ID, callers, timespan));
    expect(rows.map((r) => r.slice(0, 5))).toEqual([
      [TOR_IP, OUTSIDER.objectId, '', OUTSIDER.appId, 4],
      ['185.220.101.7', '', '', '', 1],
      ['198.51.100.10', RESPONDER.objectId, '', RESPONDER.appId, 1],
      ['198.51.100.20', USER.objectId, USER.upn, '', 1],
    ]);
  });

  it('narrows to the request timespan as the service does', async () => {
    const early = { startTime: new Date('2026-11-29T10:00:00Z'), endTime: new Date('2026-11-29T10:05:30Z') };
    const rows = rowsOf(await logs().queryWorkspace(WORKSPACE_CUSTOMER_ID, impact, early));
    expect(rows.map((r) => [r[3], r[6]])).toEqual([
      ['SecretList', 1],
      ['SecretGet', 1],
    ]);
  });

  it('refuses any other query with BadArgumentError', async () => {
    const error = await rejection(logs().queryWorkspace(WORKSPACE_CUSTOMER_ID, 'AzureDiagnostics | take 10', timespan));
    expect(error).toMatchObject({ statusCode: 400, code: 'BadArgumentError' });
  });

  it('reports a configured partial error as PartialFailure with the tables', async () => {
    const ws = env.azure.state.workspaces[0];
    if (!ws) throw new Error('workspace missing');
    ws.faults.partialError = true;
    const result = await logs().queryWorkspace(WORKSPACE_CUSTOMER_ID, impact, timespan);
    expect(result.status).toBe(LogsQueryResultStatus.PartialFailure);
    if (result.status !== LogsQueryResultStatus.PartialFailure) return;
    expect(result.partialError.code).toBe('PartialError');
    expect(result.partialTables[0]?.rows).toHaveLength(expectedImpact.length);
  });

  it('answers 403 InsufficientAccessError without a role on the workspace, or when configured', async () => {
    const denied = await rejection(logs(READER).queryWorkspace(WORKSPACE_CUSTOMER_ID, impact, timespan));
    expect(denied).toMatchObject({ statusCode: 403, code: 'InsufficientAccessError' });
    const ws = env.azure.state.workspaces[0];
    if (!ws) throw new Error('workspace missing');
    ws.faults.forbidden = true;
    const configured = await rejection(logs().queryWorkspace(WORKSPACE_CUSTOMER_ID, impact, timespan));
    expect(configured).toMatchObject({ statusCode: 403, code: 'InsufficientAccessError' });
  });
});
