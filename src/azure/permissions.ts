// What the signed-in identity may do at a scope (ARM's Permissions - List For Resource): lets a gate refuse before
// its first write when a later write of the same run would be denied, instead of stopping half-way.
import type { AzureContext } from './context.js';

const API_VERSION = '2022-04-01';

/** One entry per role the caller holds at (or above) the scope; notActions subtract within their own entry. */
export type Permissions = { actions: string[]; notActions: string[] }[];

interface ArmPermission {
  actions?: string[];
  notActions?: string[];
}

export async function callerPermissions(az: AzureContext, scope: string): Promise<Permissions> {
  const listed = await az.arm.list<ArmPermission>(
    `${scope}/providers/Microsoft.Authorization/permissions`,
    API_VERSION,
  );
  return listed.map((p) => ({ actions: p.actions ?? [], notActions: p.notActions ?? [] }));
}

/** Azure action patterns: `*` matches any run of characters; case-insensitive. */
function matches(pattern: string, action: string): boolean {
  const parts = pattern.toLowerCase().split('*');
  const text = action.toLowerCase();
  if (parts.length === 1) return text === parts[0];
  if (!text.startsWith(parts[0]!) || !text.endsWith(parts.at(-1)!)) return false;
  let at = parts[0]!.length;
  for (const part of parts.slice(1, -1)) {
    const found = text.indexOf(part, at);
    if (found < 0) return false;
    at = found + part.length;
  }
  return at <= text.length - parts.at(-1)!.length;
}

export function allows(permissions: Permissions, action: string): boolean {
  return permissions.some(
    (p) => p.actions.some((a) => matches(a, action)) && !p.notActions.some((n) => matches(n, action)),
  );
}
