// A thin ARM REST client for the few resources that have no SDK among our dependencies
// (role assignments, diagnostic settings, Defender alerts). Same pipeline policies as the SDKs.
import { getClient, type Client } from '@azure-rest/core-client';
import type { TokenCredential } from '@azure/core-auth';
import { UserError } from '../errors.js';
import type { Cloud } from './cloud.js';
import type { AzureClientOptions } from './options.js';

export interface ArmClient {
  get<T>(path: string, apiVersion: string): Promise<T | undefined>;
  list<T>(path: string, apiVersion: string, query?: Record<string, string>): Promise<T[]>;
  delete(path: string, apiVersion: string): Promise<void>;
}

interface ArmErrorBody {
  error?: { code?: string; message?: string };
}

/** Refuses before sending anything unless the path is an ARM path we built (no host, no query smuggled in). */
function checkPath(path: string): void {
  if (!path.startsWith('/') || path.startsWith('//') || /[?#\s]/.test(path)) {
    throw new Error(`not an ARM resource path: ${JSON.stringify(path)}`);
  }
}

/**
 * The resource a path names, as a reader needs it: its provider type and name, under its parent resource when it
 * has one (`vaults/kv-prod/Microsoft.Authorization/roleAssignments/…`); the subscription and resource group are
 * the run's context, and the full path made error lines too long to read.
 */
export function resourceOf(path: string): string {
  const parts = path.split('/providers/');
  const own = parts.at(-1)!;
  const parent = parts.length > 2 ? parts.at(-2)!.split('/').slice(-2).join('/') : undefined;
  return parent ? `${parent}/${own}` : own;
}

function failure(method: string, path: string, status: string, body: unknown): UserError {
  const err = (body as ArmErrorBody | undefined)?.error;
  const what = err?.code ? `${err.code}: ${err.message ?? ''}`.trim() : `HTTP ${status}`;
  return new UserError(`Azure ${method} ${resourceOf(path)}: ${what}`);
}

export function createArmClient(cloud: Cloud, credential: TokenCredential, options: AzureClientOptions): ArmClient {
  const client: Client = getClient(cloud.armEndpoint, credential, {
    ...options,
    credentials: { scopes: [cloud.armScope] },
  });
  return {
    async get<T>(path: string, apiVersion: string) {
      checkPath(path);
      const res = await client.pathUnchecked(path).get({ queryParameters: { 'api-version': apiVersion } });
      if (res.status === '404') return undefined;
      if (res.status !== '200') throw failure('GET', path, res.status, res.body);
      return res.body as T;
    },
    async list<T>(path: string, apiVersion: string, query: Record<string, string> = {}) {
      checkPath(path);
      const items: T[] = [];
      let res = await client.pathUnchecked(path).get({ queryParameters: { 'api-version': apiVersion, ...query } });
      for (;;) {
        if (res.status !== '200') throw failure('GET', path, res.status, res.body);
        const page = res.body as { value?: T[]; nextLink?: string | null };
        items.push(...(page.value ?? []));
        if (!page.nextLink) return items;
        // nextLink is absolute and already carries api-version and the skip token.
        res = await client.pathUnchecked(page.nextLink).get({ skipUrlEncoding: true });
      }
    },
    async delete(path: string, apiVersion: string) {
      checkPath(path);
      const res = await client.pathUnchecked(path).delete({ queryParameters: { 'api-version': apiVersion } });
      if (res.status !== '200' && res.status !== '204' && res.status !== '404') {
        throw failure('DELETE', path, res.status, res.body);
      }
    },
  };
}
