// The Actions OIDC token a job's runner hands out: an RS256 JWT from the fake GitHub's issuer, valid 5 minutes.
import { createHash, randomUUID, sign, type KeyObject } from 'node:crypto';
import type { SandboxContext } from '../core/types.js';
import type { SeedJob } from './scenario.js';
import type { GitHubState } from './state.js';

export const OIDC_LIFETIME_SECONDS = 300;

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/** RFC 7638 thumbprint of the public key: the `kid` in tokens and in the JWKS. */
export function keyId(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  const canonical = JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n });
  return createHash('sha256').update(canonical).digest('base64url');
}

export function jwks(ctx: SandboxContext): { keys: Record<string, unknown>[] } {
  const jwk = ctx.oidcPublicKey.export({ format: 'jwk' });
  return { keys: [{ ...jwk, kid: keyId(ctx.oidcPublicKey), use: 'sig', alg: 'RS256' }] };
}

export function subjectFor(state: GitHubState, job: SeedJob): string {
  if (job.subject) return job.subject;
  const repo = `repo:${state.owner}/${state.repo}`;
  return job.environment ? `${repo}:environment:${job.environment}` : `${repo}:ref:${job.ref ?? 'refs/heads/main'}`;
}

export function mintIdToken(
  ctx: SandboxContext,
  state: GitHubState,
  jobName: string,
  job: SeedJob,
  audience: string,
): string {
  const iat = Math.floor(ctx.now() / 1000);
  const runId = job.runId ?? state.defaultRunId();
  const ref = job.ref ?? 'refs/heads/main';
  const claims = {
    jti: randomUUID(),
    sub: subjectFor(state, job),
    aud: audience,
    ref,
    sha: '0'.repeat(40),
    repository: `${state.owner}/${state.repo}`,
    repository_owner: state.owner,
    run_id: String(runId),
    run_attempt: String(state.runs.get(runId)?.attempt ?? 1),
    actor: state.owner,
    event_name: state.runs.get(runId)?.event ?? 'repository_dispatch',
    ref_type: 'branch',
    job_workflow_ref: `${state.owner}/${state.repo}/.github/workflows/keyvault-alert.yml@${ref}`,
    workflow: 'Key Vault alert',
    job: jobName,
    ...(job.environment ? { environment: job.environment } : {}),
    iss: ctx.oidcIssuer,
    nbf: iat - 5,
    iat,
    exp: iat + OIDC_LIFETIME_SECONDS,
  };
  const header = { typ: 'JWT', alg: 'RS256', kid: keyId(ctx.oidcPublicKey) };
  const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  return `${signingInput}.${b64url(sign('sha256', Buffer.from(signingInput), ctx.oidcPrivateKey))}`;
}
