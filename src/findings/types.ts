// What the read-only steps found: the contract between the Azure readers (identify-source, measure-impact),
// the planner and the report. Every value that came from the alert or from Azure is untrusted text.
import type { NetworkRules } from '../plan/firewall.js';

export type CallerKind = 'user' | 'app' | 'external';

export interface AccessPolicyEntry {
  tenantId: string;
  objectId: string;
  applicationId?: string;
  /** Permission names as the vault holds them (lower-case). */
  permissions: { keys: string[]; secrets: string[]; certificates: string[]; storage: string[] };
}

export interface RoleAssignment {
  /** Full ARM id of the assignment (used to delete it). */
  id: string;
  principalId: string;
  roleDefinitionId: string;
  /** Built-in role name when known (e.g. "Key Vault Secrets User"). */
  roleName?: string;
  scope: string;
}

/** The vault as ARM reports it, at triage time. */
export interface VaultState {
  resourceId: string;
  name: string;
  tenantId: string;
  location: string;
  vaultUri: string;
  enableRbacAuthorization: boolean;
  softDeleteEnabled: boolean;
  networkAcls: NetworkRules;
  accessPolicies: AccessPolicyEntry[];
}

/** A piece of enrichment that could not be done, and why: shown in the issue, never silently ignored. */
export interface Unavailable {
  what: string;
  reason: string;
}

export interface PrincipalFindings {
  objectId: string;
  /** The action's own identity: never planned for removal. */
  isSelf: boolean;
  /** Access-policy vaults: the principal's entry (undefined: none). */
  accessPolicy?: AccessPolicyEntry;
  /** RBAC vaults: assignments at the vault scope (removable), and inherited ones (reported, not touched). */
  roleAssignments: { vault: RoleAssignment[]; inherited: RoleAssignment[] };
}

export interface SourceFindings {
  kind: CallerKind;
  ip?: {
    address: string;
    /** e.g. ["private"], ["network:corp"], ["vault-allow-list"], ["azure:AzureCloud.westeurope"], or ["unknown"]. */
    classes: string[];
    explanation: string;
  };
  tenant: { alert?: string; vault?: string; relation: 'same' | 'different' | 'unknown' };
  principal?: PrincipalFindings;
  vault?: VaultState;
  unavailable: Unavailable[];
}

export interface ImpactRow {
  objectType: 'secret' | 'key' | 'certificate' | 'vault' | 'other';
  objectName: string;
  objectVersion: string;
  operation: string;
  result: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
}

export interface CallerRow {
  ip?: string;
  objectId?: string;
  upn?: string;
  appId?: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
}

/** Evidence that lets a reviewer re-run the query and check the result was not altered. */
export interface QueryEvidence {
  workspaceId: string;
  query: string;
  timespan: { start: string; end: string };
  rowCount: number;
  /** SHA-256 of the canonical JSON of the raw result table. */
  resultSha256: string;
}

export type ImpactFindings =
  | {
      status: 'measured';
      evidence: QueryEvidence;
      rows: ImpactRow[];
      /** The vault's callers over the look-back window and the alert (for the firewall's known callers). */
      callers: CallerRow[];
      /** Why the callers could not be listed, when they could not. */
      callersUnavailable?: string;
    }
  /** No workspace, no permission, a partial result: impact is unknown, and never feeds a change by itself. */
  | { status: 'unknown'; reason: string; timespan: { start: string; end: string } };

export interface Findings {
  source: SourceFindings;
  /** Absent when the playbook's rule has no measure-impact step. */
  impact?: ImpactFindings;
}
