// The `azure` part of a sandbox scenario: plain JSON (scenario files are shared by tests, the demo and the
// benchmarks). Everything optional has a realistic default so a scenario names only what it is about.

/** Built-in roles the fake knows (see roles.ts for their actions). */
export type RoleName =
  | 'Owner'
  | 'Contributor'
  | 'Reader'
  | 'User Access Administrator'
  | 'Role Based Access Control Administrator'
  | 'Key Vault Administrator'
  | 'Key Vault Contributor'
  | 'Key Vault Reader'
  | 'Key Vault Secrets Officer'
  | 'Key Vault Secrets User'
  | 'Key Vault Crypto Officer'
  | 'Key Vault Certificates Officer'
  | 'Log Analytics Reader'
  | 'Security Reader'
  | 'Security Admin';

export interface AzureScenario {
  /** The home tenant of the vaults and identities (a GUID). */
  tenantId: string;
  /** Default subscription for vaults, workspaces and alerts that name none. */
  subscriptionId: string;
  /** Client address for identities that configure none (firewall checks, audit records). */
  defaultClientAddress?: string;
  identities?: IdentityScenario[];
  roleAssignments?: RoleAssignmentScenario[];
  vaults?: VaultScenario[];
  workspaces?: WorkspaceScenario[];
  alerts?: AlertScenario[];
}

export interface IdentityScenario {
  displayName: string;
  objectId: string;
  /** Users sign in interactively (no client credentials here); apps are service principals. */
  kind: 'user' | 'app';
  /** Application (client) id; apps only. */
  appId?: string;
  /** Users only. */
  upn?: string;
  /** Defaults to the scenario tenant. */
  tenantId?: string;
  /** Accepted `client_secret` values. */
  clientSecrets?: string[];
  federatedCredentials?: FederatedCredentialScenario[];
  /** The address the vault sees this identity's traffic come from (firewall). */
  clientAddress?: string;
}

export interface FederatedCredentialScenario {
  /** Defaults to the fake GitHub's OIDC issuer (its port is only known at start). */
  issuer?: string;
  /** e.g. repo:OWNER/REPO:environment:keyvault-rotation */
  subject: string;
  /** Defaults to ["api://AzureADTokenExchange"]. */
  audiences?: string[];
}

export interface RoleAssignmentScenario {
  /** GUID; generated when absent. */
  name?: string;
  principalId: string;
  role: RoleName;
  /** ARM scope: /subscriptions/…, …/resourceGroups/…, a vault or workspace id, or a secret under a vault. */
  scope: string;
}

export interface NetworkAclsScenario {
  bypass?: 'AzureServices' | 'None';
  defaultAction?: 'Allow' | 'Deny';
  ipRules?: { value: string }[];
  virtualNetworkRules?: { id: string; ignoreMissingVnetServiceEndpoint?: boolean }[];
}

export interface AccessPolicyScenario {
  tenantId?: string;
  objectId: string;
  applicationId?: string;
  permissions: { secrets?: string[]; keys?: string[]; certificates?: string[]; storage?: string[] };
}

export interface VaultScenario {
  name: string;
  resourceGroup: string;
  subscriptionId?: string;
  /** Defaults to westeurope. */
  location?: string;
  tenantId?: string;
  /** Defaults to true (the current default for new vaults). */
  enableRbacAuthorization?: boolean;
  /** Defaults to true. */
  enableSoftDelete?: boolean;
  softDeleteRetentionInDays?: number;
  /**
   * How many `GET /deletedsecrets/{name}` after a delete still answer 404 (the real service shows a deleted
   * secret after a moment; the SDK's delete poller keeps polling on 404). Default 0.
   */
  deletedSecretLagPolls?: number;
  networkAcls?: NetworkAclsScenario;
  accessPolicies?: AccessPolicyScenario[];
  tags?: Record<string, string>;
  secrets?: SecretScenario[];
  keys?: KeyScenario[];
  certificates?: CertificateScenario[];
  diagnosticSettings?: DiagnosticSettingScenario[];
}

export interface SecretScenario {
  name: string;
  /** Oldest first; the last one is the current version. */
  versions: SecretVersionScenario[];
}

export interface SecretVersionScenario {
  /** 32 lower-case hex digits; generated when absent. */
  version?: string;
  value: string;
  enabled?: boolean;
  contentType?: string;
  tags?: Record<string, string>;
  /** ISO 8601. */
  created?: string;
  updated?: string;
  expires?: string;
  notBefore?: string;
}

export interface KeyScenario {
  name: string;
  /** Defaults to RSA. */
  kty?: 'RSA' | 'EC';
  versions: ObjectVersionScenario[];
}

export interface CertificateScenario {
  name: string;
  versions: ObjectVersionScenario[];
}

export interface ObjectVersionScenario {
  version?: string;
  enabled?: boolean;
  tags?: Record<string, string>;
  created?: string;
  updated?: string;
  expires?: string;
}

export interface DiagnosticSettingScenario {
  /** Defaults to "send-to-law". */
  name?: string;
  /** Resource id of a workspace in `workspaces`. */
  workspaceResourceId: string;
  /** Dedicated = resource-specific tables (AZKVAuditLogs); default AzureDiagnostics. */
  logAnalyticsDestinationType?: 'Dedicated' | 'AzureDiagnostics';
}

export interface WorkspaceScenario {
  name: string;
  resourceGroup: string;
  subscriptionId?: string;
  location?: string;
  /** The workspace (customer) id GUID that `/v1/workspaces/{id}/query` uses. */
  customerId: string;
  /**
   * Which tables hold the records (default AzureDiagnostics, where a diagnostic setting without the
   * resource-specific destination sends them). Both = every record twice, as after a mid-way switch.
   */
  tables?: AuditTable[];
  /** Raw Key Vault AuditEvent records (FACTS §2), projected into each table shape when queried. */
  records?: AuditRecord[];
  faults?: WorkspaceFaults;
}

export type AuditTable = 'AzureDiagnostics' | 'AZKVAuditLogs';

export interface WorkspaceFaults {
  /** Every query answers 403 (the caller lacks access to the workspace data). */
  forbidden?: boolean;
  /** Queries answer their tables plus a top-level PartialError. */
  partialError?: boolean;
}

/** One Key Vault diagnostic log record in the raw AuditEvent shape (the `records[]` of a diagnostic export). */
export interface AuditRecord {
  time: string;
  /** Upper-case ARM id as Key Vault writes it. */
  resourceId: string;
  operationName: string;
  operationVersion?: string;
  resultType: string;
  resultSignature: string;
  resultDescription?: string;
  durationMs?: string;
  callerIpAddress: string;
  correlationId?: string;
  /** `{}` for unauthenticated 401s; data-plane claims use oid/upn/appid/idtyp, ARM ones the long URIs. */
  identity: { claim?: Record<string, unknown> };
  properties: {
    id?: string;
    requestUri?: string;
    clientInfo?: string;
    httpStatusCode: number;
    isAccessPolicyMatch?: boolean;
    isRbacAuthorized?: boolean;
    tlsVersion?: string;
    addedAccessPolicy?: { ObjectId: string; TenantId?: string };
    removedAccessPolicy?: { ObjectId: string; TenantId?: string };
  };
}

export interface AlertScenario {
  /** The alert name in the ARM id (usually the systemAlertId). */
  name: string;
  /** Defaults to the scenario subscription. */
  subscriptionId?: string;
  /** Set when the alert lives under a resource group (as Key Vault alerts do). */
  resourceGroup?: string;
  /** ASC location, e.g. centralus. */
  location: string;
  /** Microsoft.Security alert properties (REST form, camelCase); missing required ones get defaults. */
  properties: Record<string, unknown>;
}
