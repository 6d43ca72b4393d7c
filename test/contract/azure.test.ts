// Contract tests of the fake Azure: every response body shape the fakes serve is validated against the public
// REST specs (Azure/azure-rest-api-specs, read in place from the reference folder), and must not carry
// properties the spec does not declare, so the fakes cannot drift into toys.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { accessTokenFor } from '../sandbox/azure/index.js';
import {
  OUTSIDER,
  RESPONDER,
  RG,
  SUBSCRIPTION,
  TENANT,
  VAULT,
  VAULT_ID,
  WORKSPACE_CUSTOMER_ID,
  rawRequest,
  startAzure,
  type RawResponse,
  type RunningAzure,
} from '../sandbox/azure/testing.js';
import { buildImpactQuery } from '../../src/impact/kql.js';
import { describeWithReference, referencePath } from '../support/reference.js';

const SPEC = 'azure-specs/specification';
const FILES = {
  vaults: `${SPEC}/keyvault/resource-manager/Microsoft.KeyVault/stable/2025-05-01/keyvault.json`,
  vaultsCommon: `${SPEC}/keyvault/resource-manager/Microsoft.KeyVault/stable/2025-05-01/common.json`,
  secrets: `${SPEC}/keyvault/data-plane/Microsoft.KeyVault/stable/2025-07-01/secrets.json`,
  keys: `${SPEC}/keyvault/data-plane/Microsoft.KeyVault/stable/2025-07-01/keys.json`,
  certificates: `${SPEC}/keyvault/data-plane/Microsoft.KeyVault/stable/2025-07-01/certificates.json`,
  roleAssignments: `${SPEC}/authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/authorization-RoleAssignmentsCalls.json`,
  authorizationCommon: `${SPEC}/authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/common-types.json`,
  diagnostics: `${SPEC}/monitor/resource-manager/Microsoft.Insights/preview/2021-05-01-preview/diagnosticsSettings_API.json`,
  alerts: `${SPEC}/security/resource-manager/Microsoft.Security/stable/2022-01-01/alerts.json`,
  securityCommon: `${SPEC}/security/resource-manager/common/v1/types.json`,
  logs: `${SPEC}/operationalinsights/data-plane/Microsoft.OperationalInsights/stable/2022-10-27/OperationalInsights.json`,
  armCommon: `${SPEC}/common-types/resource-management/v2/types.json`,
} as const;

type SpecFile = keyof typeof FILES;
type Schema = Record<string, unknown>;

const docs = new Map<string, Schema>();

function urlOf(file: SpecFile): string {
  return pathToFileURL(referencePath(FILES[file])).href;
}

function loadAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  for (const file of Object.keys(FILES) as SpecFile[]) {
    const doc = JSON.parse(readFileSync(referencePath(FILES[file]), 'utf8')) as Schema;
    docs.set(urlOf(file), doc);
    // $id = the file's URL, so relative cross-file $refs (common.json#…, ../../…/types.json#…) resolve.
    ajv.addSchema(doc, urlOf(file));
  }
  return ajv;
}

/** Follows a $ref (relative to `base`) to its schema and the file URL it lives in. */
function resolveRef(ref: string, base: string): { schema: Schema; base: string } {
  const [file, pointer = ''] = ref.split('#');
  const url = file ? new URL(file, base).href : base;
  let node: unknown = docs.get(url);
  for (const part of pointer.split('/').filter(Boolean)) node = (node as Schema)[part.replace(/~1/g, '/')];
  if (!node) throw new Error(`unresolved $ref ${ref} from ${base}`);
  return { schema: node as Schema, base: url };
}

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A polymorphic value's own definition: the one whose x-ms-discriminator-value matches (Swagger 2 discriminator). */
function discriminated(value: Schema, schema: Schema, base: string): Schema | undefined {
  const property = schema.discriminator;
  if (typeof property !== 'string' || typeof value[property] !== 'string') return undefined;
  const definitions = (docs.get(base)?.definitions ?? {}) as Record<string, Schema>;
  return Object.values(definitions).find((d) => d['x-ms-discriminator-value'] === value[property]);
}

/**
 * Properties present in `value` that the schema does not declare (following $ref and allOf), as JSON paths.
 * Swagger leaves `additionalProperties` open, so ajv alone would accept any invented field.
 */
function undeclared(value: unknown, schema: Schema, base: string, path = '$'): string[] {
  if (typeof schema.$ref === 'string') {
    const r = resolveRef(schema.$ref, base);
    return undeclared(value, r.schema, r.base, path);
  }
  if (Array.isArray(value)) {
    const items = schema.items as Schema | undefined;
    return items ? value.flatMap((v, i) => undeclared(v, items, base, `${path}[${i}]`)) : [];
  }
  if (typeof value !== 'object' || value === null) return [];
  const declared = new Map<string, { schema: Schema; base: string }>();
  let additional: { schema: Schema; base: string } | true | undefined;
  const collect = (s: Schema, b: string): void => {
    if (typeof s.$ref === 'string') {
      const r = resolveRef(s.$ref, b);
      collect(r.schema, r.base);
      return;
    }
    for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, Schema>)) {
      declared.set(k, { schema: v, base: b });
    }
    const extra = s.additionalProperties;
    if (extra === true || (isSchema(extra) && Object.keys(extra).length === 0)) additional = true;
    else if (isSchema(extra)) additional = { schema: extra, base: b };
    for (const part of (s.allOf ?? []) as Schema[]) collect(part, b);
  };
  collect(discriminated(value as Schema, schema, base) ?? schema, base);
  const problems: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    const d = declared.get(k);
    if (d) problems.push(...undeclared(v, d.schema, d.base, `${path}.${k}`));
    else if (additional === true) continue;
    else if (additional) problems.push(...undeclared(v, additional.schema, additional.base, `${path}.${k}`));
    else if (schema.type === 'object' || declared.size > 0) problems.push(`${path}.${k}`);
  }
  return problems;
}

let ajv: Ajv;
let env: RunningAzure;

/**
 * Fields the real services send that their specs do not declare, allowed per definition: Log Analytics
 * errors carry a correlationId (the 2022-10-27 errorInfo lists only code, message, details, innererror).
 */
const SERVED_BUT_UNDECLARED: Record<string, string[]> = { errorResponse: ['$.error.correlationId'] };

function check(file: SpecFile, definition: string, body: unknown): void {
  const validate = ajv.getSchema(`${urlOf(file)}#/definitions/${definition}`);
  if (!validate) throw new Error(`no schema ${definition} in ${file}`);
  const ok = validate(body);
  expect(ok ? [] : validate.errors, `${definition} schema errors`).toEqual([]);
  const schema = resolveRef(`#/definitions/${definition}`, urlOf(file));
  const allowed = SERVED_BUT_UNDECLARED[definition] ?? [];
  const extra = undeclared(body, schema.schema, schema.base).filter((p) => !allowed.includes(p));
  expect(extra, `${definition}: properties the spec does not declare`).toEqual([]);
}

function bearer(resource: string, objectId = RESPONDER.objectId): Record<string, string> {
  return { authorization: `Bearer ${accessTokenFor(env.azure.state, objectId, resource)}` };
}

async function arm(method: string, path: string, body?: unknown, objectId?: string): Promise<RawResponse> {
  const sep = path.includes('?') ? '&' : '?';
  return rawRequest(env.core, method, `https://management.azure.com${path}${sep}api-version=2026-02-01`, {
    headers: { ...bearer('https://management.azure.com/', objectId), 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function kv(method: string, path: string, body?: unknown, objectId?: string): Promise<RawResponse> {
  const sep = path.includes('?') ? '&' : '?';
  return rawRequest(env.core, method, `https://${VAULT}.vault.azure.net${path}${sep}api-version=2025-07-01`, {
    headers: { ...bearer('https://vault.azure.net', objectId), 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

describeWithReference('fake Azure responses match the REST specs', () => {
  beforeAll(async () => {
    ajv = loadAjv();
    env = await startAzure();
  });
  afterAll(async () => {
    await env?.close();
  });

  it('ARM vaults: GET, PATCH, PUT, access policies, and errors', async () => {
    const got = await arm('GET', VAULT_ID);
    expect(got.status).toBe(200);
    check('vaults', 'Vault', got.body);
    const patched = await arm('PATCH', VAULT_ID, {
      properties: { networkAcls: { defaultAction: 'Deny', bypass: 'None', ipRules: [{ value: '198.51.100.0/24' }] } },
    });
    expect(patched.status).toBe(200);
    check('vaults', 'Vault', patched.body);
    const put = await arm('PUT', VAULT_ID, got.body);
    expect(put.status).toBe(200);
    check('vaults', 'Vault', put.body);
    const policy = await arm('PUT', `${VAULT_ID}/accessPolicies/add`, {
      properties: {
        accessPolicies: [{ tenantId: TENANT, objectId: OUTSIDER.objectId, permissions: { secrets: ['get'] } }],
      },
    });
    expect(policy.status).toBe(200);
    check('vaults', 'VaultAccessPolicyParameters', policy.body);
    const missing = await arm('GET', VAULT_ID.replace(VAULT, 'kv-missing'));
    expect(missing.status).toBe(404);
    check('vaultsCommon', 'CloudError', missing.body);
    const denied = await arm('PATCH', VAULT_ID, { properties: {} }, OUTSIDER.objectId);
    expect(denied.status).toBe(403);
    check('armCommon', 'ErrorResponse', denied.body);
  });

  it('ARM role assignments: list (paged) and delete', async () => {
    const list = await arm('GET', `${VAULT_ID}/providers/Microsoft.Authorization/roleAssignments`);
    expect(list.status).toBe(200);
    check('roleAssignments', 'RoleAssignmentListResult', list.body);
    const first = (list.body as { value: { id: string }[] }).value[0];
    const deleted = await arm('DELETE', first?.id ?? '');
    expect(deleted.status).toBe(200);
    check('roleAssignments', 'RoleAssignment', deleted.body);
  });

  it('ARM diagnostic settings and Defender alerts', async () => {
    const diag = await arm('GET', `${VAULT_ID}/providers/Microsoft.Insights/diagnosticSettings`);
    expect(diag.status).toBe(200);
    check('diagnostics', 'DiagnosticSettingsResourceCollection', diag.body);
    const alert = env.azure.state.alerts[0];
    const one = await arm(
      'GET',
      `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.Security/locations/westeurope/alerts/${alert?.name}`,
    );
    expect(one.status).toBe(200);
    check('alerts', 'Alert', one.body);
    const list = await arm('GET', `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Security/alerts`);
    expect(list.status).toBe(200);
    check('alerts', 'AlertList', list.body);
  });

  it('Key Vault secrets: set, get, update, list, versions, delete, deleted, recover', async () => {
    const set = await kv('PUT', '/secrets/db-password', { value: 'new', contentType: 'text/plain', tags: { a: 'b' } });
    expect(set.status).toBe(200);
    check('secrets', 'SecretBundle', set.body);
    check('secrets', 'SecretBundle', (await kv('GET', '/secrets/db-password/')).body);
    const version = (set.body as { id: string }).id.split('/').at(-1);
    const updated = await kv('PATCH', `/secrets/db-password/${version}`, { attributes: { enabled: false } });
    check('secrets', 'SecretBundle', updated.body);
    check('secrets', 'SecretListResult', (await kv('GET', '/secrets')).body);
    const paged = await kv('GET', '/secrets/db-password/versions?maxresults=2');
    expect((paged.body as { nextLink?: string }).nextLink).toMatch(/^https:\/\/kv-prod\.vault\.azure\.net\//);
    check('secrets', 'SecretListResult', paged.body);
    const deleted = await kv('DELETE', '/secrets/db-password');
    check('secrets', 'DeletedSecretBundle', deleted.body);
    check('secrets', 'DeletedSecretBundle', (await kv('GET', '/deletedsecrets/db-password')).body);
    check('secrets', 'DeletedSecretListResult', (await kv('GET', '/deletedsecrets')).body);
    const recovered = await kv('POST', '/deletedsecrets/db-password/recover');
    expect(recovered.status).toBe(200);
    check('secrets', 'SecretBundle', recovered.body);
  });

  it('Key Vault errors: challenge, not found, disabled, RBAC and firewall denials', async () => {
    const challenge = await rawRequest(
      env.core,
      'GET',
      `https://${VAULT}.vault.azure.net/secrets/x/?api-version=2025-07-01`,
    );
    expect(challenge.status).toBe(401);
    check('secrets', 'KeyVaultError', challenge.body);
    const missing = await kv('GET', '/secrets/nope/');
    expect(missing.status).toBe(404);
    check('secrets', 'KeyVaultError', missing.body);
    const disabled = await kv('GET', '/secrets/api-key/');
    expect(disabled.status).toBe(403);
    check('secrets', 'KeyVaultError', disabled.body);
    const rbac = await kv('PUT', '/secrets/db-password', { value: 'x' }, OUTSIDER.objectId);
    expect(rbac.status).toBe(403);
    check('secrets', 'KeyVaultError', rbac.body);
    const vault = env.azure.state.vault(VAULT);
    if (vault) vault.networkAcls = { ...vault.networkAcls, defaultAction: 'Deny', ipRules: [] };
    const firewall = await kv('GET', '/secrets/db-password/', undefined, OUTSIDER.objectId);
    expect(firewall.status).toBe(403);
    check('secrets', 'KeyVaultError', firewall.body);
    if (vault) vault.networkAcls = { ...vault.networkAcls, defaultAction: 'Allow' };
  });

  it('Key Vault keys and certificates', async () => {
    check('keys', 'KeyBundle', (await kv('GET', '/keys/signing-key/')).body);
    const rotated = await kv('POST', '/keys/signing-key/rotate');
    check('keys', 'KeyBundle', rotated.body);
    check('keys', 'KeyListResult', (await kv('GET', '/keys/signing-key/versions')).body);
    check('keys', 'KeyListResult', (await kv('GET', '/keys')).body);
    const kid = (rotated.body as { key: { kid: string } }).key.kid.split('/').at(-1);
    check(
      'keys',
      'KeyBundle',
      (await kv('PATCH', `/keys/signing-key/${kid}`, { attributes: { enabled: false } })).body,
    );
    check('certificates', 'CertificateBundle', (await kv('GET', '/certificates/tls-cert/')).body);
    const created = await kv('POST', '/certificates/tls-cert/create', { policy: {} });
    expect(created.status).toBe(202);
    check('certificates', 'CertificateOperation', created.body);
    check('certificates', 'CertificateOperation', (await kv('GET', '/certificates/tls-cert/pending')).body);
    check('certificates', 'CertificatePolicy', (await kv('GET', '/certificates/tls-cert/policy')).body);
    check('certificates', 'CertificateListResult', (await kv('GET', '/certificates/tls-cert/versions')).body);
    check('certificates', 'CertificateListResult', (await kv('GET', '/certificates')).body);
  });

  it('Log Analytics: results, partial error and errors', async () => {
    const query = buildImpactQuery({
      vaultResourceId: VAULT_ID,
      start: '2026-11-29T10:00:00Z',
      end: '2026-11-29T11:00:00Z',
      ip: '185.220.101.7',
    });
    const post = (body: unknown, objectId?: string) =>
      rawRequest(env.core, 'POST', `https://api.loganalytics.io/v1/workspaces/${WORKSPACE_CUSTOMER_ID}/query`, {
        headers: { ...bearer('https://api.loganalytics.io', objectId), 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    // Row cells are typed string/object in the spec while the service sends numbers: rows are checked elsewhere.
    const withoutRows = (body: unknown) => {
      const b = body as { tables: { rows: unknown[] }[] };
      return { ...b, tables: b.tables.map((t) => ({ ...t, rows: [] })) };
    };
    const ok = await post({ query });
    expect(ok.status).toBe(200);
    expect((ok.body as { tables: { rows: unknown[] }[] }).tables[0]?.rows.length).toBeGreaterThan(0);
    check('logs', 'queryResults', withoutRows(ok.body));
    const ws = env.azure.state.workspaces[0];
    if (ws) ws.faults.partialError = true;
    const partial = await post({ query });
    check('logs', 'queryResults', withoutRows(partial.body));
    check('logs', 'errorInfo', (partial.body as { error: unknown }).error);
    const bad = await post({ query: 'AzureDiagnostics | take 1' });
    expect(bad.status).toBe(400);
    check('logs', 'errorResponse', bad.body);
    const denied = await post({ query }, OUTSIDER.objectId);
    expect(denied.status).toBe(403);
    check('logs', 'errorResponse', denied.body);
  });
});
