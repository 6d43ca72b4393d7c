// Guide step 3: what the caller read, from the vault's diagnostic logs (read-only, at triage).
import { checkDuration } from '../playbook/duration.js';
import { listOf, object, oneOf, text } from '../playbook/shape.js';
import { defineStep } from './types.js';

/** The two shapes Key Vault diagnostic logs arrive in (FACTS.md §2). */
export const LOG_TABLES = ['AzureDiagnostics', 'AZKVAuditLogs'] as const;
export type LogTable = (typeof LOG_TABLES)[number];

export interface MeasureImpactParams {
  /** ISO 8601 duration before the alert's start time. */
  lookback: string;
  tables: LogTable[];
}

export const measureImpact = defineStep({
  kind: 'measure-impact',
  gate: null,
  summary: "Query the vault's diagnostic logs for what the caller's IP, UPN or object id accessed, and when.",
  params: object(
    {
      lookback: text('How far before the alert to look, as an ISO 8601 duration (default: settings.lookback).', {
        check: checkDuration,
      }),
      tables: listOf(oneOf(LOG_TABLES, 'A Log Analytics table.'), 'Tables to query (default: both).', {
        minItems: 1,
      }),
    },
    'Impact query parameters.',
  ),
  parseParams: (raw, env): MeasureImpactParams => ({
    lookback: raw.lookback ?? env.lookback,
    tables: raw.tables ?? [...LOG_TABLES],
  }),
});
