// Access tokens of the fake Entra: JWTs carrying the caller (oid, appid, tid, upn) and the resource (aud),
// signed with the state's key and verified by every other fake.
import type { IncomingHttpHeaders } from 'node:http';
import { signHs256, verifyHs256, type Claims } from './jwt.js';
import type { AzureState, Identity } from './state.js';

export const TOKEN_LIFETIME_SECONDS = 3599;

/** Resource audiences each service accepts (ARM accepts both its historic spellings). */
export const AUDIENCES = {
  arm: ['https://management.azure.com', 'https://management.core.windows.net'],
  keyvault: ['https://vault.azure.net'],
  logs: ['https://api.loganalytics.io'],
} as const;

export type Audience = keyof typeof AUDIENCES;

function normalizeResource(resource: string): string {
  return resource.replace(/\/+$/, '').toLowerCase();
}

/** The resource a client-credentials scope asks for (`https://vault.azure.net/.default` → `https://vault.azure.net`). */
export function resourceOfScope(scope: string): string | undefined {
  const first = scope.split(' ').find((s) => s.endsWith('/.default'));
  return first?.slice(0, -'/.default'.length);
}

export function knownResource(resource: string): boolean {
  const r = normalizeResource(resource);
  return Object.values(AUDIENCES).some((list) => list.some((a) => a === r));
}

export function issueAccessToken(state: AzureState, identity: Identity, resource: string): string {
  const now = state.nowSeconds();
  const claims: Claims = {
    aud: resource,
    iss: `https://sts.windows.net/${identity.tenantId}/`,
    iat: now,
    nbf: now,
    exp: now + TOKEN_LIFETIME_SECONDS,
    oid: identity.objectId,
    tid: identity.tenantId,
    sub: identity.objectId,
    idtyp: identity.kind,
    ...(identity.appId ? { appid: identity.appId, azp: identity.appId } : {}),
    ...(identity.upn ? { upn: identity.upn, unique_name: identity.upn } : {}),
  };
  return signHs256(claims, state.tokenSigningKey);
}

export interface Caller {
  identity: Identity;
  claims: Claims;
}

export type Authentication =
  | { ok: true; caller: Caller }
  | { ok: false; reason: 'missing' | 'invalid' | 'expired' | 'audience'; expiredAt?: number };

/** Checks the bearer token of a request for a service; never throws. */
export function authenticate(state: AzureState, headers: IncomingHttpHeaders, audience: Audience): Authentication {
  const header = headers.authorization;
  if (!header) return { ok: false, reason: 'missing' };
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) return { ok: false, reason: 'invalid' };
  const claims = verifyHs256(match[1], state.tokenSigningKey);
  if (!claims) return { ok: false, reason: 'invalid' };
  const exp = typeof claims.exp === 'number' ? claims.exp : 0;
  if (exp <= state.nowSeconds()) return { ok: false, reason: 'expired', expiredAt: exp };
  const aud = typeof claims.aud === 'string' ? normalizeResource(claims.aud) : '';
  if (!AUDIENCES[audience].some((a) => a === aud)) return { ok: false, reason: 'audience' };
  const identity = typeof claims.oid === 'string' ? state.identityByObjectId(claims.oid) : undefined;
  if (!identity) return { ok: false, reason: 'invalid' };
  return { ok: true, caller: { identity, claims } };
}

/** How Key Vault and ARM name a caller in error messages. */
export function callerDescription(caller: Caller): string {
  const i = caller.identity;
  return `appid=${i.appId ?? '04b07795-8ddb-461a-bbee-02f9e1bf7b46'};oid=${i.objectId};iss=https://sts.windows.net/${i.tenantId}/`;
}
