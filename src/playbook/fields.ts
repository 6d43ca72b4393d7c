// The alert fields a condition can test, by their contract names (DESIGN.md), plus the derived source.kind.
import { SEVERITIES, type Alert } from '../alert/types.js';

export const SOURCE_KINDS = ['user', 'app', 'external'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** user when a UPN is known, app when an object id but no UPN, external when neither. */
export function sourceKind(alert: Alert): SourceKind {
  if (alert.source.upn) return 'user';
  if (alert.source.objectId) return 'app';
  return 'external';
}

/**
 * text: compared case-insensitively (identifiers such as vault names and ARM ids arrive in mixed case);
 * prose: compared as written; ip: compared as canonical addresses; list: a list of identifiers.
 */
export type FieldType = 'text' | 'prose' | 'ip' | 'flag' | 'severity' | 'kind' | 'list';

export type FieldValue = string | boolean | readonly string[] | undefined;

export interface Field {
  type: FieldType;
  get(alert: Alert): FieldValue;
  /** The fixed set of values, for severity and source.kind. */
  values?: readonly string[];
}

export const FIELDS: Readonly<Record<string, Field>> = {
  type: { type: 'text', get: (a) => a.type },
  severity: { type: 'severity', get: (a) => a.severity, values: SEVERITIES },
  simulated: { type: 'flag', get: (a) => a.simulated },
  status: { type: 'text', get: (a) => a.status },
  displayName: { type: 'prose', get: (a) => a.displayName },
  form: { type: 'text', get: (a) => a.form },
  'vault.name': { type: 'text', get: (a) => a.vault.name },
  'vault.resourceGroup': { type: 'text', get: (a) => a.vault.resourceGroup },
  'vault.subscriptionId': { type: 'text', get: (a) => a.vault.subscriptionId },
  'vault.resourceId': { type: 'text', get: (a) => a.vault.resourceId },
  'source.ip': { type: 'ip', get: (a) => a.source.ip },
  'source.objectId': { type: 'text', get: (a) => a.source.objectId },
  'source.upn': { type: 'text', get: (a) => a.source.upn },
  'source.appId': { type: 'text', get: (a) => a.source.appId },
  'source.tenantId': { type: 'text', get: (a) => a.source.tenantId },
  'source.userAgent': { type: 'prose', get: (a) => a.source.userAgent },
  'source.kind': { type: 'kind', get: sourceKind, values: SOURCE_KINDS },
  operations: { type: 'list', get: (a) => a.operations.map((o) => o.name) },
  targets: { type: 'list', get: (a) => a.targets },
};

export const FIELD_NAMES = Object.keys(FIELDS);
