// Fake Microsoft Entra ID (login.microsoftonline.com): the client-credentials token endpoint (secret or
// federated client assertion from the fake GitHub OIDC issuer), OpenID metadata and MSAL instance discovery.
import { randomUUID } from 'node:crypto';
import type { Handler, SandboxContext, SandboxRequest, SandboxResponse } from '../core/types.js';
import { verifyRs256, type Claims } from './jwt.js';
import type { AzureState } from './state.js';
import { issueAccessToken, knownResource, resourceOfScope, TOKEN_LIFETIME_SECONDS } from './tokens.js';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';

/** Entra's OAuth error body: `AADSTS<code>: <message>` plus trace ids and the error code list. */
function aadError(ctx: SandboxContext, status: number, error: string, code: number, message: string): SandboxResponse {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date(ctx.now())
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: {
      error,
      error_description: `AADSTS${code}: ${message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}

function iso(seconds: unknown): string {
  return typeof seconds === 'number' ? new Date(seconds * 1000).toISOString() : 'unknown';
}

export function createEntra(state: AzureState, ctx: SandboxContext): Handler {
  function openidConfiguration(origin: string, tenant: string): SandboxResponse {
    const base = `${origin}/${tenant}`;
    return {
      status: 200,
      body: {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
        jwks_uri: `${origin}/${tenant}/discovery/v2.0/keys`,
        response_modes_supported: ['query', 'fragment', 'form_post'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        issuer: `https://login.microsoftonline.com/${tenant}/v2.0`,
        request_uri_parameter_supported: false,
        userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
        http_logout_supported: true,
        frontchannel_logout_supported: true,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'oid', 'tid'],
        kerberos_endpoint: `${base}/kerberos`,
        tenant_region_scope: 'EU',
        cloud_instance_name: 'microsoftonline.com',
        cloud_graph_host_name: 'graph.windows.net',
        msgraph_host: 'graph.microsoft.com',
        rbac_url: 'https://pas.windows.net',
      },
    };
  }

  function instanceDiscovery(url: URL): SandboxResponse {
    const host = url.host;
    const authorization = url.searchParams.get('authorization_endpoint') ?? '';
    const tenant = /^https:\/\/[^/]+\/([^/]+)\//.exec(authorization)?.[1] ?? 'common';
    return {
      status: 200,
      body: {
        tenant_discovery_endpoint: `https://${host}/${tenant}/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [
          {
            preferred_network: host,
            preferred_cache: host,
            aliases: [host],
          },
        ],
      },
    };
  }

  /** Validates a GitHub OIDC client assertion against the app's federated credentials; undefined when accepted. */
  function checkAssertion(assertion: string, appId: string): SandboxResponse | undefined {
    const claims: Claims | undefined = verifyRs256(assertion, ctx.oidcPublicKey);
    if (!claims) {
      return aadError(
        ctx,
        401,
        'invalid_client',
        50013,
        'Assertion failed signature validation. [Reason - The key was not found., Thumbprint of key used by client: unknown]',
      );
    }
    const now = Math.floor(ctx.now() / 1000);
    const exp = typeof claims.exp === 'number' ? claims.exp : 0;
    const nbf = typeof claims.nbf === 'number' ? claims.nbf : typeof claims.iat === 'number' ? claims.iat : 0;
    if (exp <= now || nbf > now + 300) {
      return aadError(
        ctx,
        400,
        'invalid_client',
        700024,
        `Client assertion is not within its valid time range. Current time: ${new Date(now * 1000).toISOString()}, assertion valid from ${iso(nbf)}, expiry time of assertion ${iso(exp)}. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .`,
      );
    }
    const identity = state.identityByClientId(appId);
    const credentials = identity?.federatedCredentials ?? [];
    const iss = String(claims.iss ?? '');
    const sub = String(claims.sub ?? '');
    const audList = Array.isArray(claims.aud) ? claims.aud.map(String) : [String(claims.aud ?? '')];
    const byIssuer = credentials.filter((c) => c.issuer === iss);
    if (byIssuer.length === 0) {
      return aadError(
        ctx,
        400,
        'invalid_client',
        700211,
        `No matching federated identity record found for presented assertion issuer '${iss}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation`,
      );
    }
    const bySubject = byIssuer.filter((c) => c.subject === sub);
    if (bySubject.length === 0) {
      return aadError(
        ctx,
        400,
        'invalid_client',
        700213,
        `No matching federated identity record found for presented assertion subject '${sub}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation`,
      );
    }
    if (!audList.includes(EXCHANGE_AUDIENCE) || !bySubject.some((c) => c.audiences.some((a) => audList.includes(a)))) {
      return aadError(
        ctx,
        400,
        'invalid_client',
        700212,
        `No matching federated identity record found for presented assertion audience '${audList.join(',')}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation`,
      );
    }
    return undefined;
  }

  function token(req: SandboxRequest, tenant: string): SandboxResponse {
    const form = new URLSearchParams(req.body);
    const clientId = form.get('client_id') ?? '';
    const scope = form.get('scope') ?? '';
    if (form.get('grant_type') !== 'client_credentials') {
      return aadError(
        ctx,
        400,
        'unsupported_grant_type',
        70003,
        `The app requested an unsupported grant type '${form.get('grant_type') ?? ''}'.`,
      );
    }
    if (tenant.toLowerCase() !== state.tenantId.toLowerCase()) {
      return aadError(
        ctx,
        400,
        'invalid_request',
        90002,
        `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      );
    }
    const identity = state.identityByClientId(clientId);
    if (!identity || identity.kind !== 'app' || identity.tenantId.toLowerCase() !== tenant.toLowerCase()) {
      return aadError(
        ctx,
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
      );
    }
    const resource = resourceOfScope(scope);
    if (!resource) {
      return aadError(
        ctx,
        400,
        'invalid_scope',
        1002012,
        `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      );
    }
    if (!knownResource(resource)) {
      return aadError(
        ctx,
        400,
        'invalid_resource',
        500011,
        `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
      );
    }
    const secret = form.get('client_secret');
    const assertion = form.get('client_assertion');
    if (assertion !== null) {
      if (form.get('client_assertion_type') !== ASSERTION_TYPE) {
        return aadError(
          ctx,
          400,
          'invalid_request',
          50027,
          'JWT token is invalid or malformed (client_assertion_type is not jwt-bearer).',
        );
      }
      const refusal = checkAssertion(assertion, clientId);
      if (refusal) return refusal;
    } else if (secret !== null) {
      if (!identity.clientSecrets.includes(secret)) {
        return aadError(
          ctx,
          401,
          'invalid_client',
          7000215,
          `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
        );
      }
    } else {
      return aadError(
        ctx,
        401,
        'invalid_client',
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      );
    }
    req.identity = identity.displayName;
    return {
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store, no-cache' },
      body: {
        token_type: 'Bearer',
        expires_in: TOKEN_LIFETIME_SECONDS,
        ext_expires_in: TOKEN_LIFETIME_SECONDS,
        access_token: issueAccessToken(state, identity, resource),
      },
    };
  }

  return (req) => {
    const path = req.url.pathname;
    const tokenPath = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
    if (tokenPath?.[1] && req.method === 'POST') return token(req, decodeURIComponent(tokenPath[1]));
    const metadata = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(path);
    if (metadata?.[1] && req.method === 'GET') return openidConfiguration(req.url.origin, metadata[1]);
    if (path === '/common/discovery/instance' && req.method === 'GET') return instanceDiscovery(req.url);
    return { status: 404, body: { error: 'not_found', error_description: `No route for ${req.method} ${path}` } };
  };
}
