// Minimal JWT handling with node:crypto: the fake Entra signs access tokens (HS256, its own key) and verifies
// GitHub OIDC client assertions (RS256, the sandbox OIDC key).
import {
  createHmac,
  sign as createSignature,
  timingSafeEqual,
  verify as verifySignature,
  type KeyObject,
} from 'node:crypto';

export type Claims = Record<string, unknown>;

function b64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

export function signHs256(claims: Claims, key: Buffer): string {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify(claims));
  const sig = createHmac('sha256', key).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

/** RS256, as GitHub signs its OIDC tokens (the fake GitHub has its own minting; tests use this one directly). */
export function signJwtRs256(claims: Claims, privateKey: KeyObject): string {
  const head = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'sandbox' }));
  const body = b64url(JSON.stringify(claims));
  const sig = createSignature('sha256', Buffer.from(`${head}.${body}`), privateKey).toString('base64url');
  return `${head}.${body}.${sig}`;
}

interface Parsed {
  header: Claims;
  claims: Claims;
  signingInput: string;
  signature: Buffer;
}

/** Splits and decodes a compact JWT; undefined when it is not one. */
export function parseJwt(token: string): Parsed | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [h, c, s] = parts as [string, string, string];
  try {
    const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as unknown;
    const claims = JSON.parse(Buffer.from(c, 'base64url').toString('utf8')) as unknown;
    if (typeof header !== 'object' || header === null || typeof claims !== 'object' || claims === null)
      return undefined;
    return {
      header: header as Claims,
      claims: claims as Claims,
      signingInput: `${h}.${c}`,
      signature: Buffer.from(s, 'base64url'),
    };
  } catch {
    return undefined;
  }
}

/** Claims of an HS256 token signed with `key`, or undefined when the signature does not verify. */
export function verifyHs256(token: string, key: Buffer): Claims | undefined {
  const p = parseJwt(token);
  if (!p || p.header.alg !== 'HS256') return undefined;
  const expected = createHmac('sha256', key).update(p.signingInput).digest();
  if (expected.length !== p.signature.length || !timingSafeEqual(expected, p.signature)) return undefined;
  return p.claims;
}

/** Claims of an RS256 token signed by `publicKey`, or undefined. */
export function verifyRs256(token: string, publicKey: KeyObject): Claims | undefined {
  const p = parseJwt(token);
  if (!p || p.header.alg !== 'RS256') return undefined;
  return verifySignature('sha256', Buffer.from(p.signingInput), publicKey, p.signature) ? p.claims : undefined;
}
