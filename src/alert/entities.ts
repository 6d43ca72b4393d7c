// Alert entities: resolve `$id`/`$ref` (Defender serialises repeated entities as `{"$ref":"6"}`) and pick out the
// ip, account and azure-resource entities. Keys are matched case-insensitively (REST sends camelCase).
import { Fields, isObject, type JsonObject } from './fields.js';

export interface IpEntity {
  address: string;
}
export interface AccountEntity {
  aadUserId?: string;
  name?: string;
  upnSuffix?: string;
  aadTenantId?: string;
}
export interface ResourceEntity {
  resourceId: string;
}

export interface AlertEntities {
  ips: IpEntity[];
  accounts: AccountEntity[];
  resources: ResourceEntity[];
  /** References that named no entity, or formed a loop. */
  unresolved: string[];
}

const MAX_WALK = 10_000;

function lowerKeyValue(obj: JsonObject, key: string): unknown {
  for (const [k, v] of Object.entries(obj)) if (k.toLowerCase() === key) return v;
  return undefined;
}

/** Every object carrying a `$id`, anywhere in the entity list (nested entities can be referenced from the top level). */
function indexById(entities: unknown[]): Map<string, JsonObject> {
  const byId = new Map<string, JsonObject>();
  const stack: unknown[] = [...entities];
  for (let seen = 0; stack.length > 0 && seen < MAX_WALK; seen++) {
    const value = stack.pop();
    if (Array.isArray(value)) stack.push(...value);
    else if (isObject(value)) {
      const id = lowerKeyValue(value, '$id');
      if ((typeof id === 'string' || typeof id === 'number') && !byId.has(String(id))) byId.set(String(id), value);
      stack.push(...Object.values(value));
    }
  }
  return byId;
}

/** Follows `$ref` chains to the entity they name; undefined for a dangling ref, a self-reference or a loop. */
function resolve(value: JsonObject, byId: Map<string, JsonObject>): JsonObject | undefined {
  const visited = new Set<string>();
  let current = value;
  for (;;) {
    const ref = lowerKeyValue(current, '$ref');
    if (ref === undefined) return current;
    const key = String(ref);
    if (visited.has(key)) return undefined;
    visited.add(key);
    const next = byId.get(key);
    if (!next) return undefined;
    current = next;
  }
}

function str(fields: Fields, name: string): string | undefined {
  const hit = fields.entry(name);
  return typeof hit?.value === 'string' && hit.value.trim() !== '' ? hit.value.trim() : undefined;
}

/** Reads the entity list. Unknown entity types and malformed members are skipped: entities are optional evidence. */
export function readEntities(entities: unknown[], path: string): AlertEntities {
  const byId = indexById(entities);
  const out: AlertEntities = { ips: [], accounts: [], resources: [], unresolved: [] };
  entities.forEach((raw, index) => {
    if (!isObject(raw)) return;
    const entity = resolve(raw, byId);
    if (!entity) {
      out.unresolved.push(`${path}[${index}]`);
      return;
    }
    const fields = new Fields(entity, `${path}[${index}]`);
    const type = str(fields, 'Type')?.toLowerCase();
    if (type === 'ip') {
      const address = str(fields, 'Address');
      if (address) out.ips.push({ address });
    } else if (type === 'account') {
      const account: AccountEntity = {};
      const aadUserId = str(fields, 'AadUserId');
      const name = str(fields, 'Name');
      const upnSuffix = str(fields, 'UPNSuffix');
      const aadTenantId = str(fields, 'AadTenantId');
      if (aadUserId) account.aadUserId = aadUserId;
      if (name) account.name = name;
      if (upnSuffix) account.upnSuffix = upnSuffix;
      if (aadTenantId) account.aadTenantId = aadTenantId;
      out.accounts.push(account);
    } else if (type === 'azure-resource') {
      const resourceId = str(fields, 'ResourceId');
      if (resourceId) out.resources.push({ resourceId });
    }
  });
  return out;
}

/** The UPN an account entity implies: `Name` when it already holds one, else `Name@UPNSuffix`. */
export function accountUpn(account: AccountEntity): string | undefined {
  if (!account.name) return undefined;
  if (account.name.includes('@')) return account.name;
  return account.upnSuffix ? `${account.name}@${account.upnSuffix}` : undefined;
}
