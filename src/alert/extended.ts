// Parsers for the odd formats inside Key Vault ExtendedProperties. Pure; each returns what it could read and what
// it refused.
import type { AlertOperation } from './types.js';

const OPERATION_ITEM = /^([A-Za-z][A-Za-z0-9_.]{0,63})\s*:\s*(\d{1,9})$/;

/** `"[SecretGet:3, SecretList:5]"` (not JSON) → operations (repeated names summed, order kept) and the items refused. */
export function parseOperations(text: string): { operations: AlertOperation[]; rejected: string[] } {
  const rejected: string[] = [];
  const inner = text.trim().replace(/^\[/, '').replace(/\]$/, '').trim();
  const byName = new Map<string, AlertOperation>();
  if (inner !== '') {
    for (const item of inner.split(',')) {
      const m = OPERATION_ITEM.exec(item.trim());
      if (!m) {
        rejected.push(item.trim());
        continue;
      }
      const [, name, count] = m as unknown as [string, string, string];
      const seen = byName.get(name.toLowerCase());
      if (seen) seen.count += Number(count);
      else byName.set(name.toLowerCase(), { name, count: Number(count) });
    }
  }
  return { operations: [...byName.values()], rejected };
}

// Key Vault data-plane hosts in the public and sovereign clouds, and Managed HSM.
const VAULT_HOST =
  /^[a-z0-9-]{3,24}\.(?:vault\.azure\.net|vault\.azure\.cn|vault\.usgovcloudapi\.net|vault\.microsoftazure\.de|managedhsm\.azure\.net)$/;

/** One object URI the alert names: https, a Key Vault host, no credentials, no query or fragment. */
export function checkTarget(text: string): { ok: true; value: string } | { ok: false; reason: string } {
  const t = text.trim();
  if (t.length > 2048) return { ok: false, reason: 'longer than 2048 characters' };
  let url: URL;
  try {
    url = new URL(t);
  } catch {
    return { ok: false, reason: 'not a URL' };
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.search || url.hash || url.port) {
    return { ok: false, reason: 'not a plain https URL' };
  }
  if (!VAULT_HOST.test(url.hostname)) return { ok: false, reason: 'not a Key Vault host' };
  return { ok: true, value: url.toString() };
}

/** `Target` holds one URI, a `[a, b]` list in text, or (defensively) an array of strings. */
export function splitTargets(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value !== 'string') return [];
  const t = value.trim();
  const inner = t.startsWith('[') && t.endsWith(']') ? t.slice(1, -1) : t;
  return inner
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
