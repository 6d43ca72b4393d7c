// GitHub's error bodies and the headers every answer carries.
import type { SandboxResponse } from '../core/types.js';

const DOCS = 'https://docs.github.com/rest';

export function ghError(status: number, message: string, extra: Record<string, unknown> = {}): SandboxResponse {
  return { status, body: { message, documentation_url: DOCS, status: String(status), ...extra } };
}

export const notFound = () => ghError(404, 'Not Found');

export function validationFailed(resource: string, field: string, code: string): SandboxResponse {
  return ghError(422, 'Validation Failed', { errors: [{ resource, field, code }] });
}

export function ok(body: unknown, status = 200, headers: Record<string, string> = {}): SandboxResponse {
  return { status, body, headers };
}

/** Thrown by a route to answer with an error; the router turns it into the response. */
export class GitHubHttpError extends Error {
  constructor(readonly response: SandboxResponse) {
    super(String((response.body as { message?: unknown } | undefined)?.message ?? response.status));
  }
}
