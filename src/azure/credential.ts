// Azure credential: GitHub OIDC (workload identity federation) when a client and tenant id are given,
// otherwise the default chain (azure/login in a workflow, `az login` for the CLI).
import { ClientAssertionCredential, DefaultAzureCredential } from '@azure/identity';
import type { TokenCredential } from '@azure/core-auth';
import { UserError, describeFailure } from '../errors.js';
import { jwtClaims } from '../jwt.js';
import type { Logger } from '../log.js';
import type { Cloud } from './cloud.js';
import { azureClientOptions } from './options.js';

export const OIDC_AUDIENCE = 'api://AzureADTokenExchange';

export interface CredentialOptions {
  cloud: Cloud;
  clientId?: string;
  tenantId?: string;
  /** Fetches a GitHub OIDC token for an audience (github/id-token.ts in the action). */
  getIdToken?: (audience: string) => Promise<string>;
  log: Logger;
}

/** The claims worth showing when a federated credential does not match: never the token itself. */
export function describeIdToken(token: string): string {
  if (!token.split('.')[1]) return 'an ID token that is not a JWT';
  const claims = jwtClaims(token);
  if (!claims) return 'an ID token whose payload is not JSON';
  const show = (v: unknown) => (typeof v === 'string' || Array.isArray(v) ? JSON.stringify(v) : 'missing');
  return `iss=${show(claims.iss)} sub=${show(claims.sub)} aud=${show(claims.aud)}`;
}

export function createCredential(options: CredentialOptions): TokenCredential {
  const { cloud, clientId, tenantId, getIdToken, log } = options;
  if (Boolean(clientId) !== Boolean(tenantId)) {
    throw new UserError('azure-client-id and azure-tenant-id go together: set both for OIDC, or neither');
  }
  if (!clientId || !tenantId) {
    log.info('Azure: using the default credential chain (no azure-client-id/azure-tenant-id given)');
    return new DefaultAzureCredential({ ...azureClientOptions(), authorityHost: cloud.authorityHost });
  }
  if (!getIdToken) throw new UserError('OIDC sign-in needs a GitHub Actions job (no ID token provider here)');
  let described = false;
  // GitHub ID tokens live about 5 minutes: fetch a fresh one for every Entra token request.
  const assertion = async (): Promise<string> => {
    let token: string;
    try {
      token = await getIdToken(OIDC_AUDIENCE);
    } catch (error) {
      const missing = !process.env.ACTIONS_ID_TOKEN_REQUEST_URL;
      throw new UserError(
        missing
          ? 'could not get a GitHub OIDC token: the job needs `permissions: id-token: write`'
          : `could not get a GitHub OIDC token: ${describeFailure(error)}`,
      );
    }
    if (!described) {
      described = true;
      log.info(`Azure: OIDC sign-in as client ${clientId} in tenant ${tenantId} with ${describeIdToken(token)}`);
    }
    return token;
  };
  // The client options carry the request timeout to Entra's token endpoint too.
  return new ClientAssertionCredential(tenantId, clientId, assertion, {
    ...azureClientOptions(),
    authorityHost: cloud.authorityHost,
  });
}
