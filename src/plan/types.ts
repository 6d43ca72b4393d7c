// The plan a reviewer approves and a gated job applies: canonical JSON, identified by its SHA-256.
// Each action carries its end state; the snapshot holds the state it was computed from (for drift checks
// and rollback).
import type { AccessPolicyEntry, RoleAssignment } from '../findings/types.js';
import type { Gate } from '../steps/types.js';
import type { FirewallPlan, NetworkRules } from './firewall.js';

export const PLAN_FORMAT = 1;

export interface PlanSnapshot {
  /** The vault's network rules at triage. */
  networkAcls?: NetworkRules;
  /** The principal's access-policy entry at triage (null: it had none). */
  accessPolicy?: AccessPolicyEntry | null;
  /** The principal's role assignments at the vault scope at triage. */
  roleAssignments?: RoleAssignment[];
  /** Secrets concerned, with the versions the caller read (from the impact query). */
  secrets?: { name: string; versionsRead: string[] }[];
}

interface ActionBase<K extends string, P> {
  /** Stable within the plan, e.g. "remediate-1-firewall". */
  id: string;
  kind: K;
  gate: Gate;
  params: P;
  /** Why: the rule and the finding that led to it. */
  reason: string;
}

export type FirewallAction = ActionBase<'firewall', FirewallPlan>;

export type RevokeAccessAction = ActionBase<
  'revoke-access',
  {
    objectId: string;
    mode: 'remove' | 'restrict';
    /** Access-policy vaults: the entry after the change (null: removed). */
    accessPolicyAfter?: AccessPolicyEntry | null;
    /** RBAC vaults: the vault-scope assignments to delete. */
    deleteRoleAssignments?: RoleAssignment[];
  }
>;

export interface SecretTarget {
  name: string;
  /** Versions to disable after the new version is in place. */
  compromisedVersions: string[];
  /** The credential lives elsewhere: disable versions and put "rotate at the source" on the checklist. */
  manual?: boolean;
}

export type RotateSecretsAction = ActionBase<
  'rotate-secrets',
  {
    secrets: SecretTarget[];
    disable: 'accessed-versions' | 'all-previous' | 'none';
    generator: { length: number; charset: string };
    /** scope all: the gated job lists the vault's secrets itself. */
    allSecrets: boolean;
  }
>;

export type DisableSecretsAction = ActionBase<'disable-secrets', { secrets: SecretTarget[]; allSecrets: boolean }>;
export type DeleteSecretsAction = ActionBase<'delete-secrets', { secrets: { name: string }[]; allSecrets: boolean }>;
export type RotateKeysAction = ActionBase<
  'rotate-keys',
  { keys: { name: string; compromisedVersions: string[] }[]; allKeys: boolean }
>;
export type RotateCertificatesAction = ActionBase<
  'rotate-certificates',
  { certificates: { name: string }[]; allCertificates: boolean }
>;

export type PlanAction =
  | FirewallAction
  | RevokeAccessAction
  | RotateSecretsAction
  | DisableSecretsAction
  | DeleteSecretsAction
  | RotateKeysAction
  | RotateCertificatesAction;

export interface Plan {
  format: typeof PLAN_FORMAT;
  alertId: string;
  alertType: string;
  vault: { resourceId: string; name: string; subscriptionId: string; resourceGroup: string };
  /** ISO 8601 UTC. */
  createdAt: string;
  /** settings.plan-max-age as the reviewer saw it (ISO 8601 duration). */
  maxAge: string;
  /** SHA-256 of the playbook text the plan was computed with. */
  playbookSha256: string;
  /** The matched rule names, in order. */
  rules: string[];
  snapshot: PlanSnapshot;
  actions: PlanAction[];
  /** Gated steps the rules asked for that were not planned, and why (shown to the reviewer). */
  notPlanned: { step: string; rule: string; reason: string }[];
}
