// The contract between the sandbox core (servers, TLS, proxy, request log, faults, latency, harness)
// and the fake services (Azure in ../azure, GitHub in ../github). Fakes are plain handlers over
// parsed requests; the core owns sockets, routing by host, logging and fault injection.
import type { KeyObject } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Which fake a request is for; the core routes by the request's host name. */
export type ServiceName = 'entra' | 'arm' | 'keyvault' | 'logs' | 'github';

/**
 * Production host names the Azure fakes answer for (TLS certificate SANs and routing):
 * entra: login.microsoftonline.com; arm: management.azure.com; keyvault: <vault>.vault.azure.net;
 * logs: api.loganalytics.io. GitHub is plain HTTP on 127.0.0.1 (the action reaches it via GITHUB_API_URL).
 */
export const AZURE_HOSTS = {
  entra: 'login.microsoftonline.com',
  arm: 'management.azure.com',
  keyvaultSuffix: '.vault.azure.net',
  logs: 'api.loganalytics.io',
} as const;

export interface SandboxRequest {
  service: ServiceName;
  method: string;
  /** Full URL as the client addressed it, with the production host (e.g. https://kv-prod.vault.azure.net/secrets/a/). */
  url: URL;
  headers: IncomingHttpHeaders;
  /** Raw body bytes ('' when none). */
  body: string;
  /** The body parsed as JSON, or undefined when empty; a handler answers 400 itself on invalid JSON. */
  json: unknown;
  /** Set by a handler once it has authenticated the caller; recorded in the request log. */
  identity?: string;
}

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON; strings as given. */
  body?: unknown;
}

export type Handler = (req: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>;

export interface RequestLogEntry {
  /** ms since the sandbox started, when the request arrived and when the response was sent. */
  start: number;
  end: number;
  service: ServiceName;
  method: string;
  host: string;
  /** Path and query. */
  path: string;
  identity?: string;
  status: number;
  /** Set when a fault rule answered instead of the handler. */
  fault?: string;
  /** Size of the response body in bytes; unset when nothing was sent (reset, hang, client gone). */
  bytes?: number;
}

/** Shared by the fakes: the OIDC signing key (fake GitHub signs, fake Entra verifies) and the clock. */
export interface SandboxContext {
  /** Issuer of the fake GitHub OIDC tokens, e.g. http://127.0.0.1:PORT (the fake GitHub origin). */
  oidcIssuer: string;
  oidcPrivateKey: KeyObject;
  oidcPublicKey: KeyObject;
  /** Epoch ms; tests may move it forward (token expiry, plan age). */
  now(): number;
}
