// Fake Key Vault data plane (<vault>.vault.azure.net): the 401 challenge, firewall, RBAC or access-policy
// authorization, and the secrets / keys / certificates operations a rotation needs. Ids and nextLinks are built
// from the origin the client addressed, as the real service does.
import { createHash, randomUUID } from 'node:crypto';
import { cidrContains, parseCidr } from '../../../src/net/ip.js';
import type { Handler, SandboxRequest, SandboxResponse } from '../core/types.js';
import { errorResponse, json, page, pageBody, query } from './respond.js';
import { accessPolicyAllows, isAuthorized, type PolicyArea } from './roles.js';
import {
  newVersionId,
  randomMaterial,
  vaultResourceId,
  type AzureState,
  type ObjectVersion,
  type SecretVersion,
  type Vault,
  type VaultObject,
} from './state.js';
import { authenticate, callerDescription, type Caller } from './tokens.js';

const MAX_RESULTS = 25;
const NAME = /^[0-9a-zA-Z-]{1,127}$/;

/** What one route needs: the RBAC data action and the access-policy permission. */
interface Permission {
  area: PolicyArea;
  policy: string;
  action: string;
}

const SECRET = {
  get: { area: 'secrets', policy: 'get', action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action' },
  list: { area: 'secrets', policy: 'list', action: 'Microsoft.KeyVault/vaults/secrets/readMetadata/action' },
  set: { area: 'secrets', policy: 'set', action: 'Microsoft.KeyVault/vaults/secrets/setSecret/action' },
  update: { area: 'secrets', policy: 'set', action: 'Microsoft.KeyVault/vaults/secrets/update/action' },
  delete: { area: 'secrets', policy: 'delete', action: 'Microsoft.KeyVault/vaults/secrets/delete' },
  recover: { area: 'secrets', policy: 'recover', action: 'Microsoft.KeyVault/vaults/secrets/recover/action' },
  purge: { area: 'secrets', policy: 'purge', action: 'Microsoft.KeyVault/vaults/secrets/purge/action' },
} satisfies Record<string, Permission>;

const KEY = {
  get: { area: 'keys', policy: 'get', action: 'Microsoft.KeyVault/vaults/keys/read' },
  list: { area: 'keys', policy: 'list', action: 'Microsoft.KeyVault/vaults/keys/read' },
  update: { area: 'keys', policy: 'update', action: 'Microsoft.KeyVault/vaults/keys/update/action' },
  create: { area: 'keys', policy: 'create', action: 'Microsoft.KeyVault/vaults/keys/create/action' },
  rotate: { area: 'keys', policy: 'rotate', action: 'Microsoft.KeyVault/vaults/keys/rotate/action' },
} satisfies Record<string, Permission>;

const CERTIFICATE = {
  get: { area: 'certificates', policy: 'get', action: 'Microsoft.KeyVault/vaults/certificates/read' },
  list: { area: 'certificates', policy: 'list', action: 'Microsoft.KeyVault/vaults/certificates/read' },
  update: { area: 'certificates', policy: 'update', action: 'Microsoft.KeyVault/vaults/certificates/update/action' },
  create: { area: 'certificates', policy: 'create', action: 'Microsoft.KeyVault/vaults/certificates/create/action' },
} satisfies Record<string, Permission>;

function kvError(status: number, code: string, message: string, inner?: string): SandboxResponse {
  return errorResponse(status, code, message, inner ? { innererror: { code: inner } } : {});
}

function notFound(kind: 'Secret' | 'Key' | 'Certificate', name: string, version?: string): SandboxResponse {
  const what = version ? `${name}/${version}` : name;
  return kvError(
    404,
    `${kind}NotFound`,
    `A ${kind.toLowerCase()} with (name/id) ${what} was not found in this key vault. If you recently deleted this ${kind.toLowerCase()} you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182`,
  );
}

function recovery(v: Vault): { recoveryLevel: string; recoverableDays?: number } {
  if (!v.enableSoftDelete) return { recoveryLevel: 'Purgeable' };
  return {
    recoveryLevel: v.softDeleteRetentionInDays < 90 ? 'CustomizedRecoverable+Purgeable' : 'Recoverable+Purgeable',
    recoverableDays: v.softDeleteRetentionInDays,
  };
}

function secretAttributes(vault: Vault, s: SecretVersion): Record<string, unknown> {
  return {
    enabled: s.enabled,
    ...(s.notBefore !== undefined ? { nbf: s.notBefore } : {}),
    ...(s.expires !== undefined ? { exp: s.expires } : {}),
    created: s.created,
    updated: s.updated,
    ...recovery(vault),
  };
}

function objectAttributes(vault: Vault, o: ObjectVersion): Record<string, unknown> {
  return {
    enabled: o.enabled,
    ...(o.expires !== undefined ? { exp: o.expires } : {}),
    created: o.created,
    updated: o.updated,
    ...recovery(vault),
  };
}

function secretFields(vault: Vault, s: SecretVersion): Record<string, unknown> {
  return {
    attributes: secretAttributes(vault, s),
    ...(s.tags ? { tags: s.tags } : {}),
    ...(s.contentType !== undefined ? { contentType: s.contentType } : {}),
    ...(s.managed ? { managed: true } : {}),
  };
}

/** A request's target inside one vault. */
interface Target {
  origin: string;
  vault: Vault;
  caller: Caller;
  req: SandboxRequest;
}

export function createKeyVault(state: AzureState): Handler {
  function challenge(vault: Vault | undefined, code: string, message: string): SandboxResponse {
    const tenant = vault?.tenantId ?? state.tenantId;
    return {
      status: 401,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'www-authenticate': `Bearer authorization="https://login.microsoftonline.com/${tenant}", resource="https://vault.azure.net"`,
      },
      body: { error: { code, message } },
    };
  }

  function firewall(vault: Vault, caller: Caller): SandboxResponse | undefined {
    const acls = vault.networkAcls;
    if (acls.defaultAction !== 'Deny') return undefined;
    const address = caller.identity.clientAddress;
    const allowed = acls.ipRules.some((r) => {
      const cidr = parseCidr(r.value);
      return cidr !== undefined && cidrContains(cidr, address);
    });
    if (allowed) return undefined;
    return kvError(
      403,
      'Forbidden',
      `Client address is not authorized and caller is not a trusted service.\r\nClient address: ${address}\r\nCaller: ${callerDescription(caller)}\r\nVault: ${vault.name};location=${vault.location}`,
      'ForbiddenByFirewall',
    );
  }

  /** RBAC or access-policy authorization; undefined when allowed. */
  function authorize(t: Target, p: Permission, objectPath?: string): SandboxResponse | undefined {
    const { vault, caller } = t;
    if (vault.enableRbacAuthorization) {
      const resource = (vaultResourceId(vault) + (objectPath ? `/${objectPath}` : '')).toLowerCase();
      if (isAuthorized(state, caller.identity.objectId, p.action, resource, 'data')) return undefined;
      return kvError(
        403,
        'Forbidden',
        `Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\nCaller: ${callerDescription(caller)}\r\nAction: '${p.action}'\r\nResource: '${resource}'\r\nAssignment: (not found)\r\nDenyAssignmentId: null\r\nDecisionReason: null \r\nVault: ${vault.name};location=${vault.location}\r\n`,
        'ForbiddenByRbac',
      );
    }
    if (accessPolicyAllows(vault, caller.identity.objectId, p.area, p.policy)) return undefined;
    return kvError(
      403,
      'Forbidden',
      `The user, group or application '${callerDescription(caller)}' does not have ${p.area} ${p.policy} permission on key vault '${vault.name};location=${vault.location}'. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125287`,
      'AccessDenied',
    );
  }

  function maxResults(url: URL): number | SandboxResponse {
    const raw = query(url).get('maxresults');
    if (raw === null) return MAX_RESULTS;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > MAX_RESULTS) {
      return kvError(400, 'BadParameter', `The value of maxresults must be between 1 and ${MAX_RESULTS}.`);
    }
    return n;
  }

  function listing<T>(t: Target, all: T[]): SandboxResponse {
    const size = maxResults(t.req.url);
    if (typeof size !== 'number') return size;
    return json(200, pageBody(page(all, t.req.url, size)));
  }

  // ---- secrets ----

  function secretBundle(t: Target, o: VaultObject<SecretVersion>, s: SecretVersion, withValue = true) {
    return {
      ...(withValue ? { value: s.value } : {}),
      id: `${t.origin}/secrets/${o.name}/${s.version}`,
      ...secretFields(t.vault, s),
    };
  }

  function deletedSecretBundle(t: Target, name: string) {
    const d = t.vault.deletedSecrets.get(name.toLowerCase());
    if (!d) return undefined;
    const latest = d.object.versions.at(-1) as SecretVersion;
    return {
      ...secretBundle(t, d.object, latest, false),
      recoveryId: `${t.origin}/deletedsecrets/${d.object.name}`,
      deletedDate: d.deletedDate,
      scheduledPurgeDate: d.scheduledPurgeDate,
    };
  }

  function parseSecretBody(body: unknown): { ok: true; value: Record<string, unknown> } | { ok: false } {
    return typeof body === 'object' && body !== null && !Array.isArray(body)
      ? { ok: true, value: body as Record<string, unknown> }
      : { ok: false };
  }

  function secrets(t: Target, segments: string[]): SandboxResponse {
    const { req, vault } = t;
    const [name, version] = segments;
    if (name === undefined) {
      if (req.method !== 'GET') return methodNotAllowed(req);
      const denied = authorize(t, SECRET.list);
      if (denied) return denied;
      const items = [...vault.secrets.values()].map((o) => {
        const latest = o.versions.at(-1) as SecretVersion;
        return { id: `${t.origin}/secrets/${o.name}`, ...secretFields(vault, latest) };
      });
      return listing(t, items);
    }
    if (!NAME.test(name)) return kvError(400, 'BadParameter', `The request URI contains an invalid name: ${name}`);
    const object = vault.secrets.get(name.toLowerCase());
    const objectPath = `secrets/${name.toLowerCase()}`;
    if (version === 'versions' && segments.length === 2) {
      if (req.method !== 'GET') return methodNotAllowed(req);
      const denied = authorize(t, SECRET.list, objectPath);
      if (denied) return denied;
      if (!object) return notFound('Secret', name);
      return listing(
        t,
        object.versions.map((s) => ({
          id: `${t.origin}/secrets/${object.name}/${s.version}`,
          ...secretFields(vault, s),
        })),
      );
    }
    if (segments.length > 2) return kvError(400, 'BadParameter', `Unsupported path ${req.url.pathname}`);
    switch (req.method) {
      case 'PUT': {
        if (version) return methodNotAllowed(req);
        const denied = authorize(t, SECRET.set, objectPath);
        if (denied) return denied;
        const parsed = parseSecretBody(req.json);
        if (!parsed.ok || typeof parsed.value.value !== 'string') {
          return kvError(400, 'BadParameter', 'Property value is required and must be a string.');
        }
        if (vault.deletedSecrets.has(name.toLowerCase())) {
          return kvError(
            409,
            'Conflict',
            `Secret ${name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.`,
            'ObjectIsDeletedButRecoverable',
          );
        }
        const body = parsed.value;
        const attrs = (body.attributes ?? {}) as { enabled?: unknown; exp?: unknown; nbf?: unknown };
        const now = state.nowSeconds();
        const created: SecretVersion = {
          version: newVersionId(),
          value: body.value as string,
          enabled: attrs.enabled !== false,
          contentType: typeof body.contentType === 'string' ? body.contentType : undefined,
          tags:
            typeof body.tags === 'object' && body.tags !== null
              ? { ...(body.tags as Record<string, string>) }
              : undefined,
          created: now,
          updated: now,
          expires: typeof attrs.exp === 'number' ? attrs.exp : undefined,
          notBefore: typeof attrs.nbf === 'number' ? attrs.nbf : undefined,
        };
        const target = object ?? { name, versions: [] };
        target.versions.push(created);
        if (!object) vault.secrets.set(name.toLowerCase(), target);
        return json(200, secretBundle(t, target, created));
      }
      case 'GET': {
        const denied = authorize(t, SECRET.get, objectPath);
        if (denied) return denied;
        const s = version ? object?.versions.find((x) => x.version === version) : object?.versions.at(-1);
        if (!object || !s) return notFound('Secret', name, version || undefined);
        if (!s.enabled)
          return kvError(403, 'Forbidden', 'Operation get is not allowed on a disabled secret.', 'SecretDisabled');
        return json(200, secretBundle(t, object, s));
      }
      case 'PATCH': {
        const denied = authorize(t, SECRET.update, objectPath);
        if (denied) return denied;
        const s = version ? object?.versions.find((x) => x.version === version) : object?.versions.at(-1);
        if (!object || !s) return notFound('Secret', name, version || undefined);
        const parsed = parseSecretBody(req.json);
        if (!parsed.ok) return kvError(400, 'BadParameter', 'The request body must be a JSON object.');
        const body = parsed.value;
        const attrs = (body.attributes ?? {}) as { enabled?: unknown; exp?: unknown; nbf?: unknown };
        if (typeof attrs.enabled === 'boolean') s.enabled = attrs.enabled;
        if (typeof attrs.exp === 'number') s.expires = attrs.exp;
        if (typeof attrs.nbf === 'number') s.notBefore = attrs.nbf;
        if (typeof body.contentType === 'string') s.contentType = body.contentType;
        if (typeof body.tags === 'object' && body.tags !== null) s.tags = { ...(body.tags as Record<string, string>) };
        s.updated = state.nowSeconds();
        // The update response carries no value.
        return json(200, secretBundle(t, object, s, false));
      }
      case 'DELETE': {
        if (version) return methodNotAllowed(req);
        const denied = authorize(t, SECRET.delete, objectPath);
        if (denied) return denied;
        if (!object) return notFound('Secret', name);
        vault.secrets.delete(name.toLowerCase());
        const latest = object.versions.at(-1) as SecretVersion;
        if (!vault.enableSoftDelete) return json(200, secretBundle(t, object, latest, false));
        const now = state.nowSeconds();
        vault.deletedSecrets.set(name.toLowerCase(), {
          object,
          deletedDate: now,
          scheduledPurgeDate: now + vault.softDeleteRetentionInDays * 86_400,
          hiddenPolls: vault.deletedSecretLagPolls,
        });
        return json(200, deletedSecretBundle(t, name));
      }
      default:
        return methodNotAllowed(req);
    }
  }

  function deletedSecrets(t: Target, segments: string[]): SandboxResponse {
    const { req, vault } = t;
    const [name, action] = segments;
    if (name === undefined) {
      if (req.method !== 'GET') return methodNotAllowed(req);
      const denied = authorize(t, SECRET.list);
      if (denied) return denied;
      return listing(
        t,
        [...vault.deletedSecrets.keys()].map((n) => {
          const b = deletedSecretBundle(t, n) as Record<string, unknown>;
          return { ...b, id: `${t.origin}/secrets/${vault.deletedSecrets.get(n)?.object.name ?? n}` };
        }),
      );
    }
    const objectPath = `secrets/${name.toLowerCase()}`;
    const gone = kvError(404, 'SecretNotFound', `Deleted Secret not found: ${name}`);
    if (action === 'recover' && req.method === 'POST') {
      const denied = authorize(t, SECRET.recover, objectPath);
      if (denied) return denied;
      const d = vault.deletedSecrets.get(name.toLowerCase());
      if (!d) return gone;
      vault.deletedSecrets.delete(name.toLowerCase());
      vault.secrets.set(name.toLowerCase(), d.object);
      return json(200, secretBundle(t, d.object, d.object.versions.at(-1) as SecretVersion, false));
    }
    if (action !== undefined) return methodNotAllowed(req);
    if (req.method === 'GET') {
      const denied = authorize(t, SECRET.list, objectPath);
      if (denied) return denied;
      const d = vault.deletedSecrets.get(name.toLowerCase());
      if (d && d.hiddenPolls > 0) {
        d.hiddenPolls -= 1;
        return gone;
      }
      const b = deletedSecretBundle(t, name);
      return b ? json(200, b) : gone;
    }
    if (req.method === 'DELETE') {
      const denied = authorize(t, SECRET.purge, objectPath);
      if (denied) return denied;
      if (!vault.deletedSecrets.delete(name.toLowerCase())) return gone;
      return { status: 204 };
    }
    return methodNotAllowed(req);
  }

  // ---- keys ----

  function keyBundle(t: Target, o: VaultObject<ObjectVersion>, k: ObjectVersion) {
    const kid = `${t.origin}/keys/${o.name}/${k.version}`;
    const key =
      o.kty === 'EC'
        ? {
            kid,
            kty: 'EC',
            key_ops: ['sign', 'verify'],
            crv: 'P-256',
            x: k.material.slice(0, 43),
            y: k.material.slice(43, 86),
          }
        : {
            kid,
            kty: 'RSA',
            key_ops: ['encrypt', 'decrypt', 'sign', 'verify', 'wrapKey', 'unwrapKey'],
            n: k.material,
            e: 'AQAB',
          };
    return {
      key,
      attributes: { ...objectAttributes(t.vault, k), exportable: false },
      ...(k.tags ? { tags: k.tags } : {}),
    };
  }

  function newObjectVersion(material: string, enabled = true, tags?: Record<string, string>): ObjectVersion {
    const now = state.nowSeconds();
    return { version: newVersionId(), enabled, tags, created: now, updated: now, material };
  }

  function keys(t: Target, segments: string[]): SandboxResponse {
    const { req, vault } = t;
    const [name, second] = segments;
    if (name === undefined) {
      if (req.method !== 'GET') return methodNotAllowed(req);
      const denied = authorize(t, KEY.list);
      if (denied) return denied;
      return listing(
        t,
        [...vault.keys.values()].map((o) => {
          const latest = o.versions.at(-1) as ObjectVersion;
          const b = keyBundle(t, o, latest);
          return {
            kid: `${t.origin}/keys/${o.name}`,
            attributes: b.attributes,
            ...(latest.tags ? { tags: latest.tags } : {}),
          };
        }),
      );
    }
    if (!NAME.test(name)) return kvError(400, 'BadParameter', `The request URI contains an invalid name: ${name}`);
    const object = vault.keys.get(name.toLowerCase());
    const objectPath = `keys/${name.toLowerCase()}`;
    if (segments.length > 2) return kvError(400, 'BadParameter', `Unsupported path ${req.url.pathname}`);
    if (second === 'versions' && req.method === 'GET') {
      const denied = authorize(t, KEY.list, objectPath);
      if (denied) return denied;
      if (!object) return notFound('Key', name);
      return listing(
        t,
        object.versions.map((k) => ({
          kid: `${t.origin}/keys/${object.name}/${k.version}`,
          attributes: keyBundle(t, object, k).attributes,
          ...(k.tags ? { tags: k.tags } : {}),
        })),
      );
    }
    if ((second === 'rotate' || second === 'create') && req.method === 'POST') {
      const denied = authorize(t, second === 'rotate' ? KEY.rotate : KEY.create, objectPath);
      if (denied) return denied;
      if (second === 'rotate' && !object) return notFound('Key', name);
      const body = (req.json ?? {}) as { kty?: unknown; tags?: unknown; attributes?: { enabled?: unknown } };
      const target = object ?? { name, kty: body.kty === 'EC' ? ('EC' as const) : ('RSA' as const), versions: [] };
      const previous = target.versions.at(-1);
      const tags =
        typeof body.tags === 'object' && body.tags !== null ? (body.tags as Record<string, string>) : previous?.tags;
      const created = newObjectVersion(randomMaterial(256, 'base64url'), body.attributes?.enabled !== false, tags);
      target.versions.push(created);
      if (!object) vault.keys.set(name.toLowerCase(), target);
      return json(200, keyBundle(t, target, created));
    }
    if (req.method === 'GET') {
      const denied = authorize(t, KEY.get, objectPath);
      if (denied) return denied;
      const k = second ? object?.versions.find((x) => x.version === second) : object?.versions.at(-1);
      if (!object || !k) return notFound('Key', name, second || undefined);
      return json(200, keyBundle(t, object, k));
    }
    if (req.method === 'PATCH') {
      const denied = authorize(t, KEY.update, objectPath);
      if (denied) return denied;
      const k = second ? object?.versions.find((x) => x.version === second) : object?.versions.at(-1);
      if (!object || !k) return notFound('Key', name, second || undefined);
      updateObject(k, req.json);
      return json(200, keyBundle(t, object, k));
    }
    return methodNotAllowed(req);
  }

  function updateObject(o: ObjectVersion, body: unknown): void {
    const b = (body ?? {}) as { attributes?: { enabled?: unknown; exp?: unknown }; tags?: unknown };
    if (typeof b.attributes?.enabled === 'boolean') o.enabled = b.attributes.enabled;
    if (typeof b.attributes?.exp === 'number') o.expires = b.attributes.exp;
    if (typeof b.tags === 'object' && b.tags !== null) o.tags = { ...(b.tags as Record<string, string>) };
    o.updated = state.nowSeconds();
  }

  // ---- certificates ----

  function thumbprint(c: ObjectVersion): string {
    return createHash('sha1').update(Buffer.from(c.material, 'base64')).digest('base64url');
  }

  function certificatePolicy(t: Target, name: string, created: number) {
    return {
      id: `${t.origin}/certificates/${name}/policy`,
      key_props: { exportable: true, kty: 'RSA', key_size: 2048, reuse_key: false },
      secret_props: { contentType: 'application/x-pkcs12' },
      x509_props: {
        subject: `CN=${name}`,
        sans: {},
        ekus: ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'],
        key_usage: ['digitalSignature', 'keyEncipherment'],
        validity_months: 12,
      },
      lifetime_actions: [{ trigger: { lifetime_percentage: 80 }, action: { action_type: 'AutoRenew' } }],
      issuer: { name: 'Self' },
      attributes: { enabled: true, created, updated: created },
    };
  }

  function certificateBundle(t: Target, o: VaultObject<ObjectVersion>, c: ObjectVersion) {
    return {
      id: `${t.origin}/certificates/${o.name}/${c.version}`,
      kid: `${t.origin}/keys/${o.name}/${c.version}`,
      sid: `${t.origin}/secrets/${o.name}/${c.version}`,
      x5t: thumbprint(c),
      cer: c.material,
      attributes: {
        ...objectAttributes(t.vault, c),
        nbf: c.created,
        exp: c.expires ?? c.created + 365 * 86_400,
      },
      policy: certificatePolicy(t, o.name, (o.versions[0] as ObjectVersion).created),
      ...(c.tags ? { tags: c.tags } : {}),
    };
  }

  function certificateItem(t: Target, id: string, c: ObjectVersion) {
    return {
      id,
      x5t: thumbprint(c),
      attributes: { ...objectAttributes(t.vault, c), nbf: c.created, exp: c.expires ?? c.created + 365 * 86_400 },
      ...(c.tags ? { tags: c.tags } : {}),
    };
  }

  function pendingOperation(t: Target, name: string, requestId: string, done: boolean) {
    return {
      id: `${t.origin}/certificates/${name}/pending`,
      issuer: { name: 'Self' },
      csr: randomMaterial(600, 'base64'),
      cancellation_requested: false,
      status: done ? 'completed' : 'inProgress',
      status_details: done
        ? ''
        : 'Pending certificate created. Certificate request is in progress. This may take some time based on the issuer provider. Please check again later.',
      request_id: requestId,
      ...(done ? { target: `${t.origin}/certificates/${name}` } : {}),
    };
  }

  /** Completes a pending certificate request: the certificate, its key and its secret get the same new version. */
  function completeCertificate(vault: Vault, name: string): void {
    const pending = vault.pendingCertificates.get(name.toLowerCase());
    if (!pending || vault.certificates.get(name.toLowerCase())?.versions.some((v) => v.version === pending.version)) {
      return;
    }
    const now = state.nowSeconds();
    const material = randomMaterial(512, 'base64');
    const version: ObjectVersion = { version: pending.version, enabled: true, created: now, updated: now, material };
    const cert = vault.certificates.get(name.toLowerCase()) ?? { name, versions: [] };
    cert.versions.push(version);
    vault.certificates.set(name.toLowerCase(), cert);
    const key = vault.keys.get(name.toLowerCase()) ?? { name, kty: 'RSA' as const, versions: [] };
    key.versions.push({ ...version, material: randomMaterial(256, 'base64url') });
    vault.keys.set(name.toLowerCase(), key);
    const secret = vault.secrets.get(name.toLowerCase()) ?? { name, versions: [] };
    secret.versions.push({
      version: pending.version,
      value: material,
      enabled: true,
      contentType: 'application/x-pkcs12',
      created: now,
      updated: now,
      managed: true,
    });
    vault.secrets.set(name.toLowerCase(), secret);
  }

  function certificates(t: Target, segments: string[]): SandboxResponse {
    const { req, vault } = t;
    const [name, second] = segments;
    if (name === undefined) {
      if (req.method !== 'GET') return methodNotAllowed(req);
      const denied = authorize(t, CERTIFICATE.list);
      if (denied) return denied;
      return listing(
        t,
        [...vault.certificates.values()].map((o) =>
          certificateItem(t, `${t.origin}/certificates/${o.name}`, o.versions.at(-1) as ObjectVersion),
        ),
      );
    }
    if (!NAME.test(name)) return kvError(400, 'BadParameter', `The request URI contains an invalid name: ${name}`);
    const objectPath = `certificates/${name.toLowerCase()}`;
    if (segments.length > 2) return kvError(400, 'BadParameter', `Unsupported path ${req.url.pathname}`);
    if (second === 'create' && req.method === 'POST') {
      const denied = authorize(t, CERTIFICATE.create, objectPath);
      if (denied) return denied;
      const requestId = randomUUID().replace(/-/g, '');
      vault.pendingCertificates.set(name.toLowerCase(), { requestId, version: newVersionId() });
      return json(202, pendingOperation(t, name, requestId, false), {
        location: `${t.origin}/certificates/${name}/pending?api-version=${query(req.url).get('api-version') ?? ''}&request_id=${requestId}`,
      });
    }
    if (second === 'pending' && req.method === 'GET') {
      const denied = authorize(t, CERTIFICATE.get, objectPath);
      if (denied) return denied;
      const pending = vault.pendingCertificates.get(name.toLowerCase());
      if (!pending) {
        return kvError(404, 'PendingCertificateNotFound', `Pending certificate not found: ${name}`);
      }
      // The fake issuer signs at once: the first poll finds the operation completed.
      completeCertificate(vault, name);
      return json(200, pendingOperation(t, name, pending.requestId, true));
    }
    const object = vault.certificates.get(name.toLowerCase());
    if (second === 'policy' && req.method === 'GET') {
      const denied = authorize(t, CERTIFICATE.get, objectPath);
      if (denied) return denied;
      if (!object) return notFound('Certificate', name);
      return json(200, certificatePolicy(t, object.name, (object.versions[0] as ObjectVersion).created));
    }
    if (second === 'versions' && req.method === 'GET') {
      const denied = authorize(t, CERTIFICATE.list, objectPath);
      if (denied) return denied;
      if (!object) return notFound('Certificate', name);
      return listing(
        t,
        object.versions.map((c) => certificateItem(t, `${t.origin}/certificates/${object.name}/${c.version}`, c)),
      );
    }
    const c = second ? object?.versions.find((x) => x.version === second) : object?.versions.at(-1);
    if (req.method === 'GET') {
      const denied = authorize(t, CERTIFICATE.get, objectPath);
      if (denied) return denied;
      if (!object || !c) return notFound('Certificate', name, second || undefined);
      return json(200, certificateBundle(t, object, c));
    }
    if (req.method === 'PATCH') {
      const denied = authorize(t, CERTIFICATE.update, objectPath);
      if (denied) return denied;
      if (!object || !c) return notFound('Certificate', name, second || undefined);
      updateObject(c, req.json);
      return json(200, certificateBundle(t, object, c));
    }
    return methodNotAllowed(req);
  }

  function methodNotAllowed(req: SandboxRequest): SandboxResponse {
    return kvError(405, 'MethodNotAllowed', `The requested resource does not support http method '${req.method}'.`);
  }

  return (req) => {
    const vaultName = req.url.hostname.split('.')[0] ?? '';
    const vault = state.vault(vaultName);
    // The challenge comes before anything else: the SDK's first request carries no token and no body.
    if (!req.headers.authorization) {
      return challenge(vault, 'Unauthorized', 'AKV10000: Request is missing a Bearer or PoP token.');
    }
    const auth = authenticate(state, req.headers, 'keyvault');
    if (!auth.ok) {
      const messages = {
        missing: 'AKV10000: Request is missing a Bearer or PoP token.',
        invalid: 'AKV10022: Invalid token.',
        expired: 'AKV10017: Token expired.',
        audience: 'AKV10022: Invalid audience. Expected https://vault.azure.net.',
      };
      return challenge(vault, 'Unauthorized', messages[auth.reason]);
    }
    const caller = auth.caller;
    req.identity = caller.identity.displayName;
    if (!vault) {
      return kvError(404, 'VaultNotFound', `No vault named '${vaultName}' exists in this sandbox.`);
    }
    if (caller.identity.tenantId.toLowerCase() !== vault.tenantId.toLowerCase()) {
      return challenge(
        vault,
        'Unauthorized',
        `AKV10032: Invalid issuer. Expected one of https://sts.windows.net/${vault.tenantId}/, found https://sts.windows.net/${caller.identity.tenantId}/.`,
      );
    }
    const blocked = firewall(vault, caller);
    if (blocked) return blocked;
    if (req.body && req.json === undefined) {
      return kvError(400, 'BadParameter', 'The request body is not valid JSON.');
    }
    const t: Target = { origin: `https://${req.url.host}`, vault, caller, req };
    const [collection, ...rest] = req.url.pathname.split('/').slice(1).map(decodeURIComponent);
    // `/secrets/{name}/` (trailing slash) means the latest version, like `/secrets/{name}`.
    const segments = rest.at(-1) === '' ? rest.slice(0, -1) : rest;
    switch (collection?.toLowerCase()) {
      case 'secrets':
        return secrets(t, segments);
      case 'deletedsecrets':
        return deletedSecrets(t, segments);
      case 'keys':
        return keys(t, segments);
      case 'certificates':
        return certificates(t, segments);
      default:
        return kvError(404, 'NotFound', `No operation for ${req.method} ${req.url.pathname}`);
    }
  };
}
