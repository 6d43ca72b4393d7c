/**
 * An error the user can act on: bad input, a refused change, a missing permission.
 * Entry points print its message as one line and exit 1; anything else is unexpected (exit 2).
 */
export class UserError extends Error {
  override name = 'UserError';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// Hosts of the Azure clouds we call (ARM, Key Vault, Log Analytics, Entra); any other host is GitHub's API.
const AZURE_HOST =
  /(^|\.)(azure\.(com|net|cn)|usgovcloudapi\.net|chinacloudapi\.cn|loganalytics\.(io|us)|microsoftonline\.(com|us))$/i;

interface FailedRequest {
  request?: { method?: unknown; url?: unknown };
  status?: unknown;
  response?: unknown;
  statusCode?: unknown;
}

/**
 * One line for an unexpected failure that says which service and call failed: Octokit and Azure SDK errors carry
 * the request (`request.method`, `request.url`) and the status; the query string is left out (it may hold tokens).
 * Octokit gives a request that got no answer (reset, timeout) status 500 without a response: no status is shown.
 */
export function describeFailure(error: unknown): string {
  const message = errorMessage(error).replace(/\s*\n\s*/g, ' ');
  const { request, status, response, statusCode } = (error ?? {}) as FailedRequest;
  if (typeof request?.method !== 'string' || typeof request.url !== 'string') return message;
  let where: string;
  try {
    const url = new URL(request.url);
    const service = AZURE_HOST.test(url.hostname) ? 'Azure' : 'GitHub';
    where = `${service} ${request.method} ${url.host}${url.pathname}`;
  } catch {
    return message;
  }
  const code =
    typeof status === 'number' && response !== undefined
      ? status
      : typeof statusCode === 'number'
        ? statusCode
        : undefined;
  return `${where}${code !== undefined ? ` (HTTP ${code})` : ''}: ${message}`;
}
