// Fake Azure Resource Manager (management.azure.com): Key Vault vaults and access policies, role assignments,
// diagnostic settings, Log Analytics workspaces and Defender alerts, with ARM's authentication and
// authorization errors. Any api-version is accepted.
import type { Handler, SandboxRequest, SandboxResponse } from '../core/types.js';
import { errorResponse, json, page, pageBody, query } from './respond.js';
import { ROLES, isAuthorized, roleDefinitionId, scopeWithin } from './roles.js';
import {
  alertResourceId,
  vaultResourceId,
  workspaceResourceId,
  type AccessPolicy,
  type AzureState,
  type NetworkAcls,
  type RoleAssignment,
  type SecurityAlert,
  type Vault,
} from './state.js';
import { authenticate, AUDIENCES, type Caller } from './tokens.js';

/** ARM lists page at this size (real pages vary; role assignments come in pages of a few hundred). */
export const ARM_PAGE_SIZE = 100;

const ACCESS_POLICY_KINDS = ['add', 'replace', 'remove'] as const;
type AccessPolicyKind = (typeof ACCESS_POLICY_KINDS)[number];

function armDate(seconds: number): string {
  const d = new Date(seconds * 1000);
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${d.toISOString().slice(11, 19)}`;
}

function authFailure(
  now: number,
  reason: 'missing' | 'invalid' | 'expired' | 'audience',
  expiredAt?: number,
): SandboxResponse {
  const challenge = {
    'www-authenticate':
      'Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="The authentication failed because of missing \'Authorization\' header."',
  };
  switch (reason) {
    case 'missing':
      return errorResponse(
        401,
        'AuthenticationFailed',
        "Authentication failed. The 'Authorization' header is missing.",
        {},
        challenge,
      );
    case 'expired':
      return errorResponse(
        401,
        'ExpiredAuthenticationToken',
        `The access token expiry UTC time '${armDate(expiredAt ?? 0)}' is earlier than current UTC time '${armDate(now)}'.`,
      );
    case 'audience':
      return errorResponse(
        401,
        'InvalidAuthenticationTokenAudience',
        `The access token has been obtained for wrong audience or resource. It should exactly match with one of the allowed audiences ${AUDIENCES.arm.map((a) => `'${a}/'`).join(',')}.`,
      );
    default:
      return errorResponse(401, 'InvalidAuthenticationToken', 'The access token is invalid.');
  }
}

function forbidden(caller: Caller, action: string, scope: string): SandboxResponse {
  const who = caller.identity.upn ?? caller.identity.appId ?? caller.identity.objectId;
  return errorResponse(
    403,
    'AuthorizationFailed',
    `The client '${who}' with object id '${caller.identity.objectId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
  );
}

function notFound(type: string, name: string, resourceGroup: string): SandboxResponse {
  return errorResponse(
    404,
    'ResourceNotFound',
    `The Resource '${type}/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}

function badRequest(code: string, message: string): SandboxResponse {
  return errorResponse(400, code, message);
}

export function vaultJson(v: Vault): Record<string, unknown> {
  return {
    id: vaultResourceId(v),
    name: v.name,
    type: 'Microsoft.KeyVault/vaults',
    location: v.location,
    tags: v.tags,
    properties: {
      sku: { family: 'A', name: 'standard' },
      tenantId: v.tenantId,
      accessPolicies: v.accessPolicies.map(accessPolicyJson),
      enabledForDeployment: false,
      enabledForDiskEncryption: false,
      enabledForTemplateDeployment: false,
      enableSoftDelete: v.enableSoftDelete,
      softDeleteRetentionInDays: v.softDeleteRetentionInDays,
      enableRbacAuthorization: v.enableRbacAuthorization,
      vaultUri: `https://${v.name}.vault.azure.net/`,
      provisioningState: 'Succeeded',
      publicNetworkAccess: 'Enabled',
      networkAcls: v.networkAcls,
    },
  };
}

function accessPolicyJson(p: AccessPolicy): Record<string, unknown> {
  return {
    tenantId: p.tenantId,
    objectId: p.objectId,
    ...(p.applicationId ? { applicationId: p.applicationId } : {}),
    permissions: {
      keys: p.permissions.keys ?? [],
      secrets: p.permissions.secrets ?? [],
      certificates: p.permissions.certificates ?? [],
      ...(p.permissions.storage ? { storage: p.permissions.storage } : {}),
    },
  };
}

/** Parses `networkAcls` as sent; the real service replaces the whole object, filling defaults. */
function parseNetworkAcls(raw: unknown): NetworkAcls | string {
  if (typeof raw !== 'object' || raw === null) return 'properties.networkAcls must be an object';
  const r = raw as Record<string, unknown>;
  const ipRules = r.ipRules ?? [];
  const vnetRules = r.virtualNetworkRules ?? [];
  if (!Array.isArray(ipRules) || ipRules.some((x) => typeof (x as { value?: unknown })?.value !== 'string')) {
    return 'properties.networkAcls.ipRules must be a list of {value}';
  }
  if (!Array.isArray(vnetRules)) return 'properties.networkAcls.virtualNetworkRules must be a list';
  const defaultAction = r.defaultAction ?? 'Allow';
  const bypass = r.bypass ?? 'AzureServices';
  if (defaultAction !== 'Allow' && defaultAction !== 'Deny') return `Invalid defaultAction '${String(defaultAction)}'`;
  if (bypass !== 'AzureServices' && bypass !== 'None') return `Invalid bypass '${String(bypass)}'`;
  return {
    bypass,
    defaultAction,
    ipRules: (ipRules as { value: string }[]).map((x) => ({ value: x.value })),
    virtualNetworkRules: vnetRules as NetworkAcls['virtualNetworkRules'],
  };
}

function parseAccessPolicies(raw: unknown): AccessPolicy[] | string {
  if (!Array.isArray(raw)) return 'properties.accessPolicies must be a list';
  const out: AccessPolicy[] = [];
  for (const p of raw) {
    const e = p as Partial<AccessPolicy> | null;
    if (!e || typeof e.objectId !== 'string' || typeof e.tenantId !== 'string' || typeof e.permissions !== 'object') {
      return 'each access policy needs tenantId, objectId and permissions';
    }
    out.push({
      tenantId: e.tenantId,
      objectId: e.objectId,
      applicationId: e.applicationId,
      permissions: { ...e.permissions },
    });
  }
  return out;
}

type PermissionArea = keyof AccessPolicy['permissions'];
const AREAS: PermissionArea[] = ['keys', 'secrets', 'certificates', 'storage'];

/** Applies `accessPolicies/{add|replace|remove}` as Key Vault does, matching entries by tenant + object id. */
function applyAccessPolicies(vault: Vault, kind: AccessPolicyKind, updates: AccessPolicy[]): void {
  for (const u of updates) {
    const same = (p: AccessPolicy) =>
      p.objectId.toLowerCase() === u.objectId.toLowerCase() &&
      p.tenantId.toLowerCase() === u.tenantId.toLowerCase() &&
      (p.applicationId ?? '') === (u.applicationId ?? '');
    const existing = vault.accessPolicies.find(same);
    if (kind === 'replace' || (kind === 'add' && !existing)) {
      if (existing) existing.permissions = { ...u.permissions };
      else vault.accessPolicies.push({ ...u, permissions: { ...u.permissions } });
      continue;
    }
    if (!existing) continue;
    for (const area of AREAS) {
      const given = (u.permissions[area] ?? []).map((x) => x.toLowerCase());
      const have = existing.permissions[area] ?? [];
      existing.permissions[area] =
        kind === 'add'
          ? [
              ...have,
              ...(u.permissions[area] ?? []).filter((x) => !have.some((h) => h.toLowerCase() === x.toLowerCase())),
            ]
          : have.filter((h) => !given.includes(h.toLowerCase()));
    }
    if (kind === 'remove' && AREAS.every((a) => (existing.permissions[a] ?? []).length === 0)) {
      vault.accessPolicies.splice(vault.accessPolicies.indexOf(existing), 1);
    }
  }
}

function roleAssignmentJson(state: AzureState, a: RoleAssignment): Record<string, unknown> {
  const principal = state.identityByObjectId(a.principalId);
  const subscription = /^\/subscriptions\/([^/]+)/i.exec(a.scope)?.[1] ?? state.subscriptionId;
  return {
    properties: {
      roleDefinitionId: roleDefinitionId(subscription, a.role),
      principalId: a.principalId,
      principalType: principal?.kind === 'user' ? 'User' : 'ServicePrincipal',
      scope: a.scope,
      createdOn: a.createdOn,
      updatedOn: a.createdOn,
    },
    id: `${a.scope}/providers/Microsoft.Authorization/roleAssignments/${a.name}`,
    type: 'Microsoft.Authorization/roleAssignments',
    name: a.name,
  };
}

interface AssignmentFilter {
  principalId?: string;
  atScope: boolean;
}

/** Parses the `$filter` forms the role assignment list supports; undefined when unsupported. */
function parseAssignmentFilter(filter: string | null): AssignmentFilter | undefined {
  const out: AssignmentFilter = { atScope: false };
  if (!filter) return out;
  for (const clause of filter.split(/\s+and\s+/i)) {
    const c = clause.trim();
    const principal = /^(?:principalId\s+eq|assignedTo\()\s*'([^']+)'\)?$/i.exec(c);
    if (principal?.[1]) out.principalId = principal[1];
    else if (/^atScope\(\)$/i.test(c)) out.atScope = true;
    else return undefined;
  }
  return out;
}

function alertJson(a: SecurityAlert): Record<string, unknown> {
  return {
    id: alertResourceId(a),
    name: a.name,
    type: 'Microsoft.Security/Locations/alerts',
    properties: {
      version: '2022-01-01',
      systemAlertId: a.name,
      vendorName: 'Microsoft',
      productName: 'Microsoft Defender for Cloud',
      status: 'Active',
      ...a.properties,
    },
  };
}

export function createArm(state: AzureState): Handler {
  function authorize(caller: Caller, action: string, scope: string): SandboxResponse | undefined {
    return isAuthorized(state, caller.identity.objectId, action, scope, 'control')
      ? undefined
      : forbidden(caller, action, scope);
  }

  function vaultRoute(req: SandboxRequest, caller: Caller, m: RegExpExecArray): SandboxResponse {
    const [, subscriptionId, resourceGroup, name, kind] = m as unknown as [string, string, string, string, string?];
    const scope = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.KeyVault/vaults/${name}`;
    const existing = state.vault(name);
    const vault =
      existing &&
      existing.subscriptionId.toLowerCase() === subscriptionId.toLowerCase() &&
      existing.resourceGroup.toLowerCase() === resourceGroup.toLowerCase()
        ? existing
        : undefined;
    const body = (req.json ?? {}) as { location?: unknown; tags?: unknown; properties?: Record<string, unknown> };
    if (kind !== undefined) {
      if (req.method !== 'PUT') return errorResponse(405, 'MethodNotAllowed', `${req.method} is not supported here.`);
      const denied = authorize(caller, 'Microsoft.KeyVault/vaults/accessPolicies/write', scope);
      if (denied) return denied;
      if (!vault) return notFound('Microsoft.KeyVault/vaults', name, resourceGroup);
      const opKind = kind.toLowerCase() as AccessPolicyKind;
      if (!ACCESS_POLICY_KINDS.includes(opKind)) {
        return badRequest('BadRequest', `The operation kind '${kind}' is not one of add, replace, remove.`);
      }
      const parsed = parseAccessPolicies(body.properties?.accessPolicies);
      if (typeof parsed === 'string') return badRequest('BadRequest', parsed);
      applyAccessPolicies(vault, opKind, parsed);
      return json(200, {
        id: `${vaultResourceId(vault)}/accessPolicies/${opKind}`,
        type: 'Microsoft.KeyVault/vaults/accessPolicies',
        name: opKind,
        location: vault.location,
        properties: { accessPolicies: parsed.map(accessPolicyJson) },
      });
    }
    switch (req.method) {
      case 'GET': {
        const denied = authorize(caller, 'Microsoft.KeyVault/vaults/read', scope);
        if (denied) return denied;
        return vault ? json(200, vaultJson(vault)) : notFound('Microsoft.KeyVault/vaults', name, resourceGroup);
      }
      case 'PATCH': {
        const denied = authorize(caller, 'Microsoft.KeyVault/vaults/write', scope);
        if (denied) return denied;
        if (!vault) return notFound('Microsoft.KeyVault/vaults', name, resourceGroup);
        const problem = updateVault(vault, body.properties ?? {}, body.tags);
        return problem ? badRequest('BadRequest', problem) : json(200, vaultJson(vault));
      }
      case 'PUT': {
        const denied = authorize(caller, 'Microsoft.KeyVault/vaults/write', scope);
        if (denied) return denied;
        const props = body.properties;
        if (!props || typeof props.tenantId !== 'string' || typeof props.sku !== 'object') {
          return badRequest('BadRequest', 'The request must contain properties.tenantId and properties.sku.');
        }
        const target: Vault = vault ?? newVault(name, subscriptionId, resourceGroup, String(body.location ?? ''));
        const problem = updateVault(target, { accessPolicies: [], ...props }, body.tags);
        if (problem) return badRequest('BadRequest', problem);
        if (!vault) state.vaults.set(name.toLowerCase(), target);
        return json(vault ? 200 : 201, vaultJson(target));
      }
      default:
        return errorResponse(405, 'MethodNotAllowed', `${req.method} is not supported for vaults in this sandbox.`);
    }
  }

  function newVault(name: string, subscriptionId: string, resourceGroup: string, location: string): Vault {
    return {
      name,
      subscriptionId,
      resourceGroup,
      location: location || 'westeurope',
      tenantId: state.tenantId,
      enableRbacAuthorization: true,
      enableSoftDelete: true,
      softDeleteRetentionInDays: 90,
      deletedSecretLagPolls: 0,
      networkAcls: { bypass: 'AzureServices', defaultAction: 'Allow', ipRules: [], virtualNetworkRules: [] },
      accessPolicies: [],
      tags: {},
      secrets: new Map(),
      deletedSecrets: new Map(),
      keys: new Map(),
      certificates: new Map(),
      pendingCertificates: new Map(),
      diagnosticSettings: [],
    };
  }

  /** Applies the properties a PUT or PATCH sends; returns a problem text for a 400. */
  function updateVault(vault: Vault, props: Record<string, unknown>, tags: unknown): string | undefined {
    if (props.networkAcls !== undefined) {
      const acls = parseNetworkAcls(props.networkAcls);
      if (typeof acls === 'string') return acls;
      vault.networkAcls = acls;
    }
    if (props.accessPolicies !== undefined) {
      const policies = parseAccessPolicies(props.accessPolicies);
      if (typeof policies === 'string') return policies;
      vault.accessPolicies = policies;
    }
    if (typeof props.enableRbacAuthorization === 'boolean')
      vault.enableRbacAuthorization = props.enableRbacAuthorization;
    if (props.enableSoftDelete === false && vault.enableSoftDelete) {
      return 'The property "enableSoftDelete" has been set to true previously and cannot be set to false.';
    }
    if (typeof props.tenantId === 'string') vault.tenantId = props.tenantId;
    if (typeof tags === 'object' && tags !== null) vault.tags = { ...(tags as Record<string, string>) };
    return undefined;
  }

  function roleAssignmentsRoute(req: SandboxRequest, caller: Caller, scope: string, name?: string): SandboxResponse {
    if (name === undefined) {
      if (req.method !== 'GET') return errorResponse(405, 'MethodNotAllowed', `${req.method} is not supported here.`);
      const denied = authorize(caller, 'Microsoft.Authorization/roleAssignments/read', scope);
      if (denied) return denied;
      const filter = parseAssignmentFilter(query(req.url).get('$filter'));
      if (!filter) {
        return badRequest('UnsupportedQuery', `The filter '${query(req.url).get('$filter') ?? ''}' is not supported.`);
      }
      // List-for-scope returns assignments at, above and (without atScope()) below the scope.
      const list = state.roleAssignments.filter(
        (a) =>
          (scopeWithin(scope, a.scope) || (!filter.atScope && scopeWithin(a.scope, scope))) &&
          (!filter.principalId || a.principalId.toLowerCase() === filter.principalId.toLowerCase()),
      );
      return json(
        200,
        pageBody(
          page(
            list.map((a) => roleAssignmentJson(state, a)),
            req.url,
            ARM_PAGE_SIZE,
          ),
        ),
      );
    }
    const index = state.roleAssignments.findIndex(
      (a) => a.name.toLowerCase() === name.toLowerCase() && a.scope.toLowerCase() === scope.toLowerCase(),
    );
    const assignment = state.roleAssignments[index];
    if (req.method === 'GET') {
      const denied = authorize(caller, 'Microsoft.Authorization/roleAssignments/read', scope);
      if (denied) return denied;
      return assignment
        ? json(200, roleAssignmentJson(state, assignment))
        : errorResponse(404, 'RoleAssignmentNotFound', `The role assignment '${name}' is not found.`);
    }
    if (req.method === 'DELETE') {
      const denied = authorize(caller, 'Microsoft.Authorization/roleAssignments/delete', scope);
      if (denied) return denied;
      if (!assignment) return { status: 204 };
      state.roleAssignments.splice(index, 1);
      return json(200, roleAssignmentJson(state, assignment));
    }
    return errorResponse(405, 'MethodNotAllowed', `${req.method} is not supported here.`);
  }

  /** The caller's own permissions at a scope (Permissions - List For Resource): one entry per role it holds there. */
  function permissionsRoute(req: SandboxRequest, caller: Caller, scope: string): SandboxResponse {
    if (req.method !== 'GET') return errorResponse(405, 'MethodNotAllowed', `${req.method} is not supported here.`);
    const held = state.roleAssignments.filter(
      (a) => a.principalId.toLowerCase() === caller.identity.objectId.toLowerCase() && scopeWithin(scope, a.scope),
    );
    return json(200, {
      value: held.map((a) => {
        const role = ROLES[a.role];
        return {
          actions: role.actions,
          notActions: role.notActions ?? [],
          dataActions: role.dataActions,
          notDataActions: [],
        };
      }),
    });
  }

  function diagnosticSettingsRoute(req: SandboxRequest, caller: Caller, resourceId: string): SandboxResponse {
    if (req.method !== 'GET') return errorResponse(405, 'MethodNotAllowed', `${req.method} is not supported here.`);
    const denied = authorize(caller, 'Microsoft.Insights/diagnosticSettings/read', resourceId);
    if (denied) return denied;
    const m = /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.KeyVault\/vaults\/([^/]+)$/i.exec(resourceId);
    const vault = m?.[2] ? state.vault(m[2]) : undefined;
    if (!vault || vaultResourceId(vault).toLowerCase() !== resourceId.toLowerCase()) {
      return notFound('Microsoft.KeyVault/vaults', m?.[2] ?? resourceId, m?.[1] ?? '');
    }
    return json(200, {
      value: vault.diagnosticSettings.map((d) => ({
        id: `${vaultResourceId(vault)}/providers/microsoft.insights/diagnosticSettings/${d.name}`,
        type: 'Microsoft.Insights/diagnosticSettings',
        name: d.name,
        properties: {
          workspaceId: d.workspaceResourceId,
          logs: [
            { category: 'AuditEvent', enabled: true, retentionPolicy: { enabled: false, days: 0 } },
            { category: 'AzurePolicyEvaluationDetails', enabled: false, retentionPolicy: { enabled: false, days: 0 } },
          ],
          metrics: [{ category: 'AllMetrics', enabled: false, retentionPolicy: { enabled: false, days: 0 } }],
          ...(d.logAnalyticsDestinationType === 'Dedicated' ? { logAnalyticsDestinationType: 'Dedicated' } : {}),
        },
      })),
    });
  }

  function workspaceRoute(req: SandboxRequest, caller: Caller, m: RegExpExecArray): SandboxResponse {
    const [, subscriptionId, resourceGroup, name] = m as unknown as [string, string, string, string];
    const scope = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.OperationalInsights/workspaces/${name}`;
    if (req.method !== 'GET') return errorResponse(405, 'MethodNotAllowed', `${req.method} is not supported here.`);
    const denied = authorize(caller, 'Microsoft.OperationalInsights/workspaces/read', scope);
    if (denied) return denied;
    const ws = state.workspaceByResourceId(scope);
    if (!ws) return notFound('Microsoft.OperationalInsights/workspaces', name, resourceGroup);
    return json(200, {
      id: workspaceResourceId(ws),
      name: ws.name,
      type: 'Microsoft.OperationalInsights/workspaces',
      location: ws.location,
      properties: {
        customerId: ws.customerId,
        provisioningState: 'Succeeded',
        sku: { name: 'PerGB2018' },
        retentionInDays: 30,
      },
    });
  }

  function alertsRoute(req: SandboxRequest, caller: Caller, path: string): SandboxResponse | undefined {
    const one =
      /^\/subscriptions\/([^/]+)(?:\/resourceGroups\/([^/]+))?\/providers\/Microsoft\.Security\/locations\/([^/]+)\/alerts\/([^/]+)(?:\/(activate|dismiss|resolve|inProgress))?$/i.exec(
        path,
      );
    if (one) {
      const [, subscriptionId, resourceGroup, location, name, transition] = one as unknown as [
        string,
        string,
        string | undefined,
        string,
        string,
        string | undefined,
      ];
      const scope = `/subscriptions/${subscriptionId}${resourceGroup ? `/resourceGroups/${resourceGroup}` : ''}`;
      const alert = state.alerts.find(
        (a) =>
          a.name.toLowerCase() === name.toLowerCase() &&
          a.location.toLowerCase() === location.toLowerCase() &&
          a.subscriptionId.toLowerCase() === subscriptionId.toLowerCase() &&
          (!resourceGroup || a.resourceGroup?.toLowerCase() === resourceGroup.toLowerCase()),
      );
      if (transition) {
        if (req.method !== 'POST')
          return errorResponse(405, 'MethodNotAllowed', `${req.method} is not supported here.`);
        const denied = authorize(
          caller,
          `Microsoft.Security/locations/alerts/${transition.toLowerCase()}/action`,
          scope,
        );
        if (denied) return denied;
        if (!alert) return errorResponse(404, 'AlertNotFound', `Alert '${name}' was not found.`);
        const status: Record<string, string> = {
          activate: 'Active',
          dismiss: 'Dismissed',
          resolve: 'Resolved',
          inprogress: 'InProgress',
        };
        alert.properties.status = status[transition.toLowerCase()];
        return { status: 204 };
      }
      if (req.method !== 'GET') return errorResponse(405, 'MethodNotAllowed', `${req.method} is not supported here.`);
      const denied = authorize(caller, 'Microsoft.Security/locations/alerts/read', scope);
      if (denied) return denied;
      return alert
        ? json(200, alertJson(alert))
        : errorResponse(404, 'AlertNotFound', `Alert '${name}' was not found.`);
    }
    const list =
      /^\/subscriptions\/([^/]+)(?:\/resourceGroups\/([^/]+))?\/providers\/Microsoft\.Security(?:\/locations\/([^/]+))?\/alerts$/i.exec(
        path,
      );
    if (!list) return undefined;
    const [, subscriptionId, resourceGroup, location] = list as unknown as [string, string, string?, string?];
    if (req.method !== 'GET') return errorResponse(405, 'MethodNotAllowed', `${req.method} is not supported here.`);
    const scope = `/subscriptions/${subscriptionId}${resourceGroup ? `/resourceGroups/${resourceGroup}` : ''}`;
    const denied = authorize(caller, 'Microsoft.Security/alerts/read', scope);
    if (denied) return denied;
    const alerts = state.alerts.filter(
      (a) =>
        a.subscriptionId.toLowerCase() === subscriptionId.toLowerCase() &&
        (!resourceGroup || a.resourceGroup?.toLowerCase() === resourceGroup.toLowerCase()) &&
        (!location || a.location.toLowerCase() === location.toLowerCase()),
    );
    return json(200, pageBody(page(alerts.map(alertJson), req.url, ARM_PAGE_SIZE)));
  }

  return (req) => {
    const auth = authenticate(state, req.headers, 'arm');
    if (!auth.ok) return authFailure(state.nowSeconds(), auth.reason, auth.expiredAt);
    const caller = auth.caller;
    req.identity = caller.identity.displayName;
    if (req.body && req.json === undefined) {
      return badRequest('InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
    }
    const path = decodeURIComponent(req.url.pathname).replace(/\/+$/, '');

    const vault =
      /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.KeyVault\/vaults\/([^/]+)(?:\/accessPolicies\/([^/]+))?$/i.exec(
        path,
      );
    if (vault) return vaultRoute(req, caller, vault);

    const assignments = /^(.*)\/providers\/Microsoft\.Authorization\/roleAssignments(?:\/([^/]+))?$/i.exec(path);
    if (assignments) return roleAssignmentsRoute(req, caller, assignments[1] || '/', assignments[2]);

    const permissions = /^(.*)\/providers\/Microsoft\.Authorization\/permissions$/i.exec(path);
    if (permissions?.[1]) return permissionsRoute(req, caller, permissions[1]);

    const diagnostics = /^(.*)\/providers\/Microsoft\.Insights\/diagnosticSettings$/i.exec(path);
    if (diagnostics?.[1]) return diagnosticSettingsRoute(req, caller, diagnostics[1]);

    const workspace =
      /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.OperationalInsights\/workspaces\/([^/]+)$/i.exec(
        path,
      );
    if (workspace) return workspaceRoute(req, caller, workspace);

    const alerts = alertsRoute(req, caller, path);
    if (alerts) return alerts;

    return errorResponse(
      404,
      'InvalidResourceType',
      `The resource type could not be found for ${req.method} '${path}' in this sandbox.`,
    );
  };
}
