// The normalised alert: every Defender form maps into this shape. Field names are a contract (DESIGN.md).

export const SEVERITIES = ['Informational', 'Low', 'Medium', 'High'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const ALERT_FORMS = ['rest', 'workflow-automation', 'event-hub', 'log-analytics', 'activity-log'] as const;
export type AlertForm = (typeof ALERT_FORMS)[number];

export interface AlertVault {
  name: string;
  /** As the alert gave it (ARM ids arrive in mixed case); compare case-insensitively. */
  resourceId: string;
  subscriptionId: string;
  resourceGroup: string;
}

/** Who called the vault. Every field is optional: apps have no UPN, callers outside Azure have no object id. */
export interface AlertSource {
  ip?: string;
  objectId?: string;
  upn?: string;
  appId?: string;
  tenantId?: string;
  userAgent?: string;
}

export interface AlertOperation {
  name: string;
  count: number;
}

export interface Alert {
  /** SystemAlertId as given. */
  id: string;
  /** e.g. "KV_SuspiciousIPAccess"; "SIMULATED_" prefix removed; aliases mapped to current ids. */
  type: string;
  simulated: boolean;
  displayName: string;
  severity: Severity;
  status: string;
  /** ISO 8601 UTC. */
  startTime: string;
  /** ISO 8601 UTC. */
  endTime: string;
  vault: AlertVault;
  source: AlertSource;
  operations: AlertOperation[];
  /** Object URIs named by the alert (e.g. ExtendedProperties "Target"). */
  targets: string[];
  form: AlertForm;
}
