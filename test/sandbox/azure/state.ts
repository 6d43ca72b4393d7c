// The fake Azure's mutable world, built from a scenario. Handlers read and change it; tests inspect it
// (e.g. `state.vault('kv-prod')?.secrets.get('db-password')?.versions`).
import { randomBytes, randomUUID } from 'node:crypto';
import type {
  AccessPolicyScenario,
  AlertScenario,
  AuditRecord,
  AuditTable,
  AzureScenario,
  NetworkAclsScenario,
  ObjectVersionScenario,
  RoleName,
  VaultScenario,
  WorkspaceFaults,
} from './scenario.js';

export const DEFAULT_CLIENT_ADDRESS = '198.51.100.10';
const DEFAULT_LOCATION = 'westeurope';

export interface Identity {
  displayName: string;
  objectId: string;
  kind: 'user' | 'app';
  appId?: string;
  upn?: string;
  tenantId: string;
  clientSecrets: string[];
  federatedCredentials: { issuer: string; subject: string; audiences: string[] }[];
  clientAddress: string;
}

export interface RoleAssignment {
  name: string;
  principalId: string;
  role: RoleName;
  scope: string;
  createdOn: string;
}

export interface NetworkAcls {
  bypass: 'AzureServices' | 'None';
  defaultAction: 'Allow' | 'Deny';
  ipRules: { value: string }[];
  virtualNetworkRules: { id: string; ignoreMissingVnetServiceEndpoint?: boolean }[];
}

export interface AccessPolicy {
  tenantId: string;
  objectId: string;
  applicationId?: string;
  permissions: { secrets?: string[]; keys?: string[]; certificates?: string[]; storage?: string[] };
}

/** Times are epoch seconds, as Key Vault's attributes carry them. */
export interface SecretVersion {
  version: string;
  value: string;
  enabled: boolean;
  contentType?: string;
  tags?: Record<string, string>;
  created: number;
  updated: number;
  expires?: number;
  notBefore?: number;
  /** Set for the secret backing a certificate. */
  managed?: boolean;
}

export interface ObjectVersion {
  version: string;
  enabled: boolean;
  tags?: Record<string, string>;
  created: number;
  updated: number;
  expires?: number;
  /** Keys: public modulus (base64url); certificates: DER bytes (base64). Random, never parsed. */
  material: string;
}

export interface VaultObject<V> {
  /** The name as first written (Key Vault names are case-insensitive; maps are keyed lower-case). */
  name: string;
  /** Oldest first; the last is the current version. */
  versions: V[];
  kty?: 'RSA' | 'EC';
}

export interface Deleted<V> {
  object: VaultObject<V>;
  deletedDate: number;
  scheduledPurgeDate: number;
  /** GETs of the deleted object still answering 404 (deletion not yet visible). */
  hiddenPolls: number;
}

export interface PendingCertificate {
  requestId: string;
  /** The version the completed operation produced. */
  version: string;
}

export interface DiagnosticSetting {
  name: string;
  workspaceResourceId: string;
  logAnalyticsDestinationType?: 'Dedicated' | 'AzureDiagnostics';
}

export interface Vault {
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  location: string;
  tenantId: string;
  enableRbacAuthorization: boolean;
  enableSoftDelete: boolean;
  softDeleteRetentionInDays: number;
  deletedSecretLagPolls: number;
  networkAcls: NetworkAcls;
  accessPolicies: AccessPolicy[];
  tags: Record<string, string>;
  secrets: Map<string, VaultObject<SecretVersion>>;
  deletedSecrets: Map<string, Deleted<SecretVersion>>;
  keys: Map<string, VaultObject<ObjectVersion>>;
  certificates: Map<string, VaultObject<ObjectVersion>>;
  pendingCertificates: Map<string, PendingCertificate>;
  diagnosticSettings: DiagnosticSetting[];
}

export interface Workspace {
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  location: string;
  customerId: string;
  tables: AuditTable[];
  records: AuditRecord[];
  faults: WorkspaceFaults;
}

export interface SecurityAlert {
  name: string;
  subscriptionId: string;
  resourceGroup?: string;
  location: string;
  properties: Record<string, unknown>;
}

export function vaultResourceId(v: Pick<Vault, 'subscriptionId' | 'resourceGroup' | 'name'>): string {
  return `/subscriptions/${v.subscriptionId}/resourceGroups/${v.resourceGroup}/providers/Microsoft.KeyVault/vaults/${v.name}`;
}

export function workspaceResourceId(w: Pick<Workspace, 'subscriptionId' | 'resourceGroup' | 'name'>): string {
  return `/subscriptions/${w.subscriptionId}/resourceGroups/${w.resourceGroup}/providers/Microsoft.OperationalInsights/workspaces/${w.name}`;
}

export function alertResourceId(a: SecurityAlert): string {
  const rg = a.resourceGroup ? `/resourceGroups/${a.resourceGroup}` : '';
  return `/subscriptions/${a.subscriptionId}${rg}/providers/Microsoft.Security/locations/${a.location}/alerts/${a.name}`;
}

/** A Key Vault object version id: 32 lower-case hex digits. */
export function newVersionId(): string {
  return randomBytes(16).toString('hex');
}

export function randomMaterial(bytes: number, encoding: 'base64' | 'base64url'): string {
  return randomBytes(bytes).toString(encoding);
}

function seconds(iso: string | undefined, fallback: number): number {
  return iso === undefined ? fallback : Math.floor(Date.parse(iso) / 1000);
}

function optionalSeconds(iso: string | undefined): number | undefined {
  return iso === undefined ? undefined : Math.floor(Date.parse(iso) / 1000);
}

export class AzureState {
  readonly tenantId: string;
  readonly subscriptionId: string;
  /** HS256 key signing the fake Entra's access tokens (never leaves the process). */
  readonly tokenSigningKey = randomBytes(32);
  readonly identities: Identity[];
  readonly roleAssignments: RoleAssignment[];
  /** Keyed by lower-case vault name. */
  readonly vaults = new Map<string, Vault>();
  readonly workspaces: Workspace[];
  readonly alerts: SecurityAlert[];

  constructor(
    scenario: AzureScenario,
    private readonly oidcIssuer: string,
    /** The sandbox clock (epoch ms). */
    readonly now: () => number,
  ) {
    this.tenantId = scenario.tenantId;
    this.subscriptionId = scenario.subscriptionId;
    const defaultAddress = scenario.defaultClientAddress ?? DEFAULT_CLIENT_ADDRESS;
    this.identities = (scenario.identities ?? []).map((i) => ({
      displayName: i.displayName,
      objectId: i.objectId,
      kind: i.kind,
      appId: i.appId,
      upn: i.upn,
      tenantId: i.tenantId ?? scenario.tenantId,
      clientSecrets: i.clientSecrets ?? [],
      federatedCredentials: (i.federatedCredentials ?? []).map((f) => ({
        issuer: f.issuer ?? oidcIssuer,
        subject: f.subject,
        audiences: f.audiences ?? ['api://AzureADTokenExchange'],
      })),
      clientAddress: i.clientAddress ?? defaultAddress,
    }));
    const created = new Date(now()).toISOString();
    this.roleAssignments = (scenario.roleAssignments ?? []).map((r) => ({
      name: r.name ?? randomUUID(),
      principalId: r.principalId,
      role: r.role,
      scope: r.scope,
      createdOn: created,
    }));
    for (const v of scenario.vaults ?? []) this.vaults.set(v.name.toLowerCase(), this.buildVault(v, scenario));
    this.workspaces = (scenario.workspaces ?? []).map((w) => ({
      name: w.name,
      resourceGroup: w.resourceGroup,
      subscriptionId: w.subscriptionId ?? scenario.subscriptionId,
      location: w.location ?? DEFAULT_LOCATION,
      customerId: w.customerId,
      tables: w.tables ?? ['AzureDiagnostics'],
      records: [...(w.records ?? [])],
      faults: { ...(w.faults ?? {}) },
    }));
    this.alerts = (scenario.alerts ?? []).map((a: AlertScenario) => ({
      name: a.name,
      subscriptionId: a.subscriptionId ?? scenario.subscriptionId,
      resourceGroup: a.resourceGroup,
      location: a.location,
      properties: { ...a.properties },
    }));
  }

  private buildVault(v: VaultScenario, scenario: AzureScenario): Vault {
    const nowSec = Math.floor(this.now() / 1000);
    const acls: NetworkAclsScenario = v.networkAcls ?? {};
    const vault: Vault = {
      name: v.name,
      resourceGroup: v.resourceGroup,
      subscriptionId: v.subscriptionId ?? scenario.subscriptionId,
      location: v.location ?? DEFAULT_LOCATION,
      tenantId: v.tenantId ?? scenario.tenantId,
      enableRbacAuthorization: v.enableRbacAuthorization ?? true,
      enableSoftDelete: v.enableSoftDelete ?? true,
      softDeleteRetentionInDays: v.softDeleteRetentionInDays ?? 90,
      deletedSecretLagPolls: v.deletedSecretLagPolls ?? 0,
      networkAcls: {
        bypass: acls.bypass ?? 'AzureServices',
        defaultAction: acls.defaultAction ?? 'Allow',
        ipRules: acls.ipRules ?? [],
        virtualNetworkRules: acls.virtualNetworkRules ?? [],
      },
      accessPolicies: (v.accessPolicies ?? []).map((p: AccessPolicyScenario) => ({
        ...p,
        tenantId: p.tenantId ?? scenario.tenantId,
      })),
      tags: v.tags ?? {},
      secrets: new Map(),
      deletedSecrets: new Map(),
      keys: new Map(),
      certificates: new Map(),
      pendingCertificates: new Map(),
      diagnosticSettings: (v.diagnosticSettings ?? []).map((d) => ({
        name: d.name ?? 'send-to-law',
        workspaceResourceId: d.workspaceResourceId,
        logAnalyticsDestinationType: d.logAnalyticsDestinationType,
      })),
    };
    for (const s of v.secrets ?? []) {
      vault.secrets.set(s.name.toLowerCase(), {
        name: s.name,
        versions: s.versions.map((x) => ({
          version: x.version ?? newVersionId(),
          value: x.value,
          enabled: x.enabled ?? true,
          contentType: x.contentType,
          tags: x.tags,
          created: seconds(x.created, nowSec),
          updated: seconds(x.updated ?? x.created, nowSec),
          expires: optionalSeconds(x.expires),
          notBefore: optionalSeconds(x.notBefore),
        })),
      });
    }
    const objectVersion = (x: ObjectVersionScenario, material: string): ObjectVersion => ({
      version: x.version ?? newVersionId(),
      enabled: x.enabled ?? true,
      tags: x.tags,
      created: seconds(x.created, nowSec),
      updated: seconds(x.updated ?? x.created, nowSec),
      expires: optionalSeconds(x.expires),
      material,
    });
    for (const k of v.keys ?? []) {
      vault.keys.set(k.name.toLowerCase(), {
        name: k.name,
        kty: k.kty ?? 'RSA',
        versions: k.versions.map((x) => objectVersion(x, randomMaterial(256, 'base64url'))),
      });
    }
    for (const c of v.certificates ?? []) {
      vault.certificates.set(c.name.toLowerCase(), {
        name: c.name,
        versions: c.versions.map((x) => objectVersion(x, randomMaterial(512, 'base64'))),
      });
    }
    return vault;
  }

  vault(name: string): Vault | undefined {
    return this.vaults.get(name.toLowerCase());
  }

  identityByObjectId(objectId: string): Identity | undefined {
    return this.identities.find((i) => i.objectId.toLowerCase() === objectId.toLowerCase());
  }

  identityByClientId(clientId: string): Identity | undefined {
    return this.identities.find((i) => i.appId?.toLowerCase() === clientId.toLowerCase());
  }

  /** Current (latest) secret version, or undefined. */
  currentSecret(vaultName: string, secretName: string): SecretVersion | undefined {
    return this.vault(vaultName)?.secrets.get(secretName.toLowerCase())?.versions.at(-1);
  }

  workspaceByCustomerId(customerId: string): Workspace | undefined {
    return this.workspaces.find((w) => w.customerId.toLowerCase() === customerId.toLowerCase());
  }

  workspaceByResourceId(id: string): Workspace | undefined {
    return this.workspaces.find((w) => workspaceResourceId(w).toLowerCase() === id.toLowerCase());
  }

  /** Audit records of one vault across workspaces (e.g. to add the action's own traffic in a test). */
  addAuditRecord(workspaceCustomerId: string, record: AuditRecord): void {
    const ws = this.workspaceByCustomerId(workspaceCustomerId);
    if (!ws) throw new Error(`no workspace with customer id ${workspaceCustomerId}`);
    ws.records.push(record);
  }

  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }
}
