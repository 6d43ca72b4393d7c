// The plan a gated job receives is untrusted input (a workflow input, a file): parse it strictly into a Plan
// before anything else, with one clear error naming the first problem and where it is.
import { UserError } from '../errors.js';
import { PLAN_FORMAT, type Plan } from '../plan/types.js';
import { stepModule } from '../steps/index.js';

/** Plans are a few kilobytes; anything near this is not one of ours. */
export const MAX_PLAN_BYTES = 1024 * 1024;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RESOURCE_GROUP = /^[-\w.()]{1,90}$/;
const VAULT_NAME = /^[a-zA-Z0-9-]{3,24}$/;
const SHA256 = /^[0-9a-f]{64}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;
const OBJECT_NAME = /^[0-9a-zA-Z-]{1,127}$/;
const VERSION = /^[0-9a-zA-Z]{1,64}$/;
const ARM_ID = /^\/subscriptions\/[^?#\s]+$/i;

class Problem extends Error {}

type Check<T> = (value: unknown, path: string) => T;

function fail(path: string, message: string): never {
  throw new Problem(`${path}: ${message}`);
}

const str =
  (pattern?: RegExp, max = 1000): Check<string> =>
  (v, path) => {
    if (typeof v !== 'string') fail(path, 'must be a string');
    if (v.length > max) fail(path, `is longer than ${max} characters`);
    if (pattern && !pattern.test(v)) fail(path, `'${v.slice(0, 80)}' is not valid here`);
    return v;
  };
const oneOf =
  <const T extends string>(values: readonly T[]): Check<T> =>
  (v, path) => {
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v))
      fail(path, `must be one of ${values.join(', ')}`);
    return v as T;
  };
const bool: Check<boolean> = (v, path) => (typeof v === 'boolean' ? v : fail(path, 'must be true or false'));
const int =
  (min: number, max: number): Check<number> =>
  (v, path) =>
    Number.isInteger(v) && (v as number) >= min && (v as number) <= max
      ? (v as number)
      : fail(path, `must be a whole number from ${min} to ${max}`);
const list =
  <T>(item: Check<T>, max = 10_000): Check<T[]> =>
  (v, path) => {
    if (!Array.isArray(v)) fail(path, 'must be a list');
    if (v.length > max) fail(path, `has more than ${max} items`);
    return v.map((x, i) => item(x, `${path}[${i}]`));
  };
const nullable =
  <T>(check: Check<T>): Check<T | null> =>
  (v, path) =>
    v === null ? null : check(v, path);

type Fields = Record<string, Check<unknown>>;
type Shape<F extends Fields, O extends Fields> = { [K in keyof F]: ReturnType<F[K]> } & {
  [K in keyof O]?: ReturnType<O[K]>;
};

/** An object with exactly these required and optional fields (no others). */
function obj<F extends Fields, O extends Fields = Record<never, never>>(required: F, optional?: O): Check<Shape<F, O>> {
  return (v, path) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'must be an object');
    const record = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(record)) {
      if (!Object.hasOwn(required, key) && !(optional && Object.hasOwn(optional, key)))
        fail(`${path}.${key}`, 'is not a plan field');
    }
    for (const [key, check] of Object.entries(required)) {
      if (!Object.hasOwn(record, key)) fail(`${path}.${key}`, 'is missing');
      out[key] = check(record[key], `${path}.${key}`);
    }
    for (const [key, check] of Object.entries(optional ?? {})) {
      if (Object.hasOwn(record, key) && record[key] !== undefined) out[key] = check(record[key], `${path}.${key}`);
    }
    return out as Shape<F, O>;
  };
}

const permissions = list(str(/^[a-z]{1,40}$/i, 40), 100);
const accessPolicyEntry = obj(
  {
    tenantId: str(GUID),
    objectId: str(GUID),
    permissions: obj({ keys: permissions, secrets: permissions, certificates: permissions, storage: permissions }),
  },
  { applicationId: str(GUID) },
);
const roleAssignment = obj(
  { id: str(ARM_ID), principalId: str(GUID), roleDefinitionId: str(ARM_ID), scope: str(ARM_ID) },
  { roleName: str(undefined, 200) },
);
const networkRules = obj({
  defaultAction: oneOf(['Allow', 'Deny']),
  bypass: oneOf(['AzureServices', 'None']),
  ipRules: list(str(/^\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?$/, 18), 1000),
  virtualNetworkRules: list(str(ARM_ID), 1000),
});
const caller = obj({ ip: str(undefined, 64), count: int(0, Number.MAX_SAFE_INTEGER), lastSeen: str(undefined, 64) });
const secretTarget = obj({ name: str(OBJECT_NAME), compromisedVersions: list(str(VERSION), 1000) }, { manual: bool });

const params = {
  firewall: obj({
    after: networkRules,
    added: list(str(undefined, 64)),
    removed: list(str(undefined, 64)),
    lockedOut: list(caller),
    skipped: list(obj({ value: str(undefined, 64), reason: str() })),
  }),
  'revoke-access': obj(
    { objectId: str(GUID), mode: oneOf(['remove', 'restrict']) },
    { accessPolicyAfter: nullable(accessPolicyEntry), deleteRoleAssignments: list(roleAssignment, 100) },
  ),
  'rotate-secrets': obj({
    secrets: list(secretTarget),
    disable: oneOf(['accessed-versions', 'all-previous', 'none']),
    generator: obj({ length: int(16, 4096), charset: str(/^[a-z0-9-]{1,40}$/) }),
    allSecrets: bool,
  }),
  'disable-secrets': obj({ secrets: list(secretTarget), allSecrets: bool }),
  'delete-secrets': obj({ secrets: list(obj({ name: str(OBJECT_NAME) })), allSecrets: bool }),
  'rotate-keys': obj({
    keys: list(obj({ name: str(OBJECT_NAME), compromisedVersions: list(str(VERSION), 1000) })),
    allKeys: bool,
  }),
  'rotate-certificates': obj({ certificates: list(obj({ name: str(OBJECT_NAME) })), allCertificates: bool }),
} as const;

type ActionKind = keyof typeof params;
const KINDS = Object.keys(params) as ActionKind[];

const action: Check<unknown> = (v, path) => {
  const head = obj(
    { id: str(/^[a-z0-9-]{1,64}$/), kind: oneOf(KINDS), gate: oneOf(['remediate', 'rotate']), reason: str() },
    { params: (x: unknown) => x },
  )(v, path);
  if (!Object.hasOwn(v as object, 'params')) fail(`${path}.params`, 'is missing');
  const gate = stepModule(head.kind)?.gate;
  if (head.gate !== gate) fail(`${path}.gate`, `must be ${gate} for ${head.kind}`);
  return { ...head, params: params[head.kind](head.params, `${path}.params`) };
};

const plan = obj({
  format: (v, path) => (v === PLAN_FORMAT ? PLAN_FORMAT : fail(path, `must be ${PLAN_FORMAT}`)),
  // As incidentMarker accepts it (and intake produces).
  alertId: str(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,255}$/, 256),
  alertType: str(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/),
  vault: obj({
    resourceId: str(ARM_ID),
    name: str(VAULT_NAME),
    subscriptionId: str(GUID),
    resourceGroup: str(RESOURCE_GROUP),
  }),
  createdAt: str(ISO_UTC),
  maxAge: str(/^P[0-9WDTHMS]{2,20}$/),
  playbookSha256: str(SHA256),
  rules: list(str(undefined, 200), 1000),
  snapshot: obj(
    {},
    {
      networkAcls: networkRules,
      accessPolicy: nullable(accessPolicyEntry),
      roleAssignments: list(roleAssignment, 100),
      secrets: list(obj({ name: str(OBJECT_NAME), versionsRead: list(str(VERSION), 1000) })),
    },
  ),
  actions: list(action, 100),
  notPlanned: list(obj({ step: str(undefined, 64), rule: str(undefined, 200), reason: str() }), 1000),
});

/** Parses plan JSON text; `source` names where it came from (`input plan`, `--plan file.json`). */
export function parsePlan(text: string, source: string): Plan {
  if (Buffer.byteLength(text, 'utf8') > MAX_PLAN_BYTES) throw new UserError(`${source}: over the 1 MiB limit`);
  if (text.trim() === '') throw new UserError(`${source}: empty; pass the triage job's plan output`);
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new UserError(`${source}: not JSON (${(error as Error).message})`);
  }
  let parsed: Plan;
  try {
    parsed = plan(raw, 'plan') as unknown as Plan;
  } catch (error) {
    if (error instanceof Problem) throw new UserError(`${source}: ${error.message}`);
    throw error;
  }
  const v = parsed.vault;
  const expected = `/subscriptions/${v.subscriptionId}/resourceGroups/${v.resourceGroup}/providers/Microsoft.KeyVault/vaults/${v.name}`;
  if (v.resourceId.toLowerCase() !== expected.toLowerCase()) {
    throw new UserError(`${source}: plan.vault.resourceId does not match its subscription, resource group and name`);
  }
  const ids = parsed.actions.map((a) => a.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new UserError(`${source}: action id '${dup}' appears twice`);
  return parsed;
}
