// Projects raw Key Vault AuditEvent records into the two Log Analytics table shapes (FACTS §2):
// `AzureDiagnostics` (flattened, typed suffixes, upper-case resource names) and the resource-specific
// `AZKVAuditLogs` (PascalCase columns, `Identity` as a dynamic object).
import type { AuditRecord } from './scenario.js';

export type Row = Record<string, unknown>;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `http://schemas.microsoft.com/identity/claims/objectidentifier` → `http_schemas_microsoft_com_identity_claims_objectidentifier`. */
function columnName(claim: string): string {
  return claim.replace(/[^0-9A-Za-z]+/g, '_').replace(/^_|_$/g, '');
}

function parseResourceId(id: string): { subscriptionId: string; resourceGroup: string; name: string } {
  const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/[^/]+\/[^/]+\/([^/]+)/i.exec(id);
  return { subscriptionId: m?.[1] ?? '', resourceGroup: m?.[2] ?? '', name: m?.[3] ?? '' };
}

export function toAzureDiagnostics(r: AuditRecord, workspaceCustomerId: string): Row {
  const { subscriptionId, resourceGroup, name } = parseResourceId(r.resourceId);
  const row: Row = {
    TenantId: workspaceCustomerId,
    TimeGenerated: r.time,
    ResourceId: r.resourceId.toUpperCase(),
    Category: 'AuditEvent',
    ResourceGroup: resourceGroup.toUpperCase(),
    SubscriptionId: subscriptionId.toUpperCase(),
    ResourceProvider: 'MICROSOFT.KEYVAULT',
    Resource: name.toUpperCase(),
    ResourceType: 'VAULTS',
    OperationName: r.operationName,
    ResultType: r.resultType,
    CorrelationId: r.correlationId ?? '',
    ResultDescription: r.resultDescription ?? '',
    requestUri_s: r.properties.requestUri ?? '',
    DurationMs: Number(r.durationMs ?? 0),
    CallerIPAddress: r.callerIpAddress,
    OperationVersion: r.operationVersion ?? '',
    ResultSignature: r.resultSignature,
    id_s: r.properties.id ?? '',
    clientInfo_s: r.properties.clientInfo ?? '',
    httpStatusCode_d: r.properties.httpStatusCode,
    Type: 'AzureDiagnostics',
    _ResourceId: r.resourceId.toLowerCase(),
  };
  for (const [claim, value] of Object.entries(r.identity.claim ?? {})) {
    const base = `identity_claim_${columnName(claim)}`;
    if (typeof value === 'string' && GUID.test(value)) row[`${base}_g`] = value;
    else row[`${base}_s`] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  if (r.properties.isAccessPolicyMatch !== undefined) row.isAccessPolicyMatch_b = r.properties.isAccessPolicyMatch;
  if (r.properties.isRbacAuthorized !== undefined) row.isRbacAuthorized_b = r.properties.isRbacAuthorized;
  if (r.properties.tlsVersion !== undefined) row.tlsVersion_s = r.properties.tlsVersion;
  if (r.properties.addedAccessPolicy) row.addedAccessPolicy_ObjectId_g = r.properties.addedAccessPolicy.ObjectId;
  if (r.properties.removedAccessPolicy) row.removedAccessPolicy_ObjectId_g = r.properties.removedAccessPolicy.ObjectId;
  return row;
}

export function toAzkvAuditLogs(r: AuditRecord, workspaceCustomerId: string): Row {
  return {
    TenantId: workspaceCustomerId,
    TimeGenerated: r.time,
    OperationName: r.operationName,
    OperationVersion: r.operationVersion ?? '',
    ResultType: r.resultType,
    ResultSignature: r.resultSignature,
    ResultDescription: r.resultDescription ?? '',
    DurationMs: Number(r.durationMs ?? 0),
    CallerIpAddress: r.callerIpAddress,
    CorrelationId: r.correlationId ?? '',
    Identity: r.identity,
    Id: r.properties.id ?? '',
    RequestUri: r.properties.requestUri ?? '',
    ClientInfo: r.properties.clientInfo ?? '',
    HttpStatusCode: r.properties.httpStatusCode,
    IsAccessPolicyMatch: r.properties.isAccessPolicyMatch ?? false,
    IsRbacAuthorized: r.properties.isRbacAuthorized ?? false,
    AddedAccessPolicy: r.properties.addedAccessPolicy ?? null,
    RemovedAccessPolicy: r.properties.removedAccessPolicy ?? null,
    SourceSystem: 'Azure',
    Type: 'AZKVAuditLogs',
    _ResourceId: r.resourceId.toLowerCase(),
  };
}
