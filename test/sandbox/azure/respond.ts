// Response helpers shared by the Azure fakes: JSON replies, the `{"error":{code,message}}` shape ARM, Key Vault
// and Log Analytics all use, and offset-based paging with absolute https nextLinks.
import type { SandboxResponse } from '../core/types.js';

export function json(status: number, body: unknown, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body };
}

export function errorResponse(
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): SandboxResponse {
  return json(status, { error: { code, message, ...extra } }, headers);
}

/** The query string as a case-preserving map (api-version arrives as `api%2Dversion`; URLSearchParams decodes it). */
export function query(url: URL): URLSearchParams {
  return new URLSearchParams(url.search);
}

export interface Page<T> {
  items: T[];
  /** Absolute next-page URL, or undefined on the last page (Key Vault and ARM omit it then). */
  nextLink?: string;
}

/**
 * One page of `all`, starting at the offset in `$skiptoken`; the nextLink repeats the request URL (origin
 * and query as the client used them) with the next offset.
 */
export function page<T>(all: T[], url: URL, pageSize: number): Page<T> {
  const params = query(url);
  const start = Number.parseInt(params.get('$skiptoken') ?? '0', 10) || 0;
  const items = all.slice(start, start + pageSize);
  if (start + pageSize >= all.length) return { items };
  const next = new URL(url.href);
  const nextParams = query(url);
  nextParams.set('$skiptoken', String(start + pageSize));
  next.search = nextParams.toString();
  next.protocol = 'https:';
  return { items, nextLink: next.href };
}

export function pageBody<T>(p: Page<T>): { value: T[]; nextLink?: string } {
  return p.nextLink ? { value: p.items, nextLink: p.nextLink } : { value: p.items };
}
