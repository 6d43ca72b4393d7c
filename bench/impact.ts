// measure-impact over a workspace seeded with many audit records: how many bytes Log Analytics returns and how many
// rows the action gets. The queries summarise on the server, so both should follow the number of objects and
// callers (fixed here), not the number of records.
import { normalizeAlert } from '../src/alert/normalize.js';
import { measureImpact } from '../src/triage/impact.js';
import type { AuditRecord } from '../test/sandbox/azure/scenario.js';
import { responderAzure } from '../test/support/azure.js';
import { defenderAlertResource } from '../test/e2e/support.js';
import { loadScenario, startSandbox } from '../test/sandbox/index.js';
import { latencyRule } from './latency.js';

/** Distinct secrets read and distinct other callers in the seeded records (independent of the record count). */
const SECRETS = 50;
const OTHER_CALLERS = 10;
const WINDOW_START = Date.parse('2026-11-29T10:00:00Z');
const WINDOW_MS = 60 * 60 * 1000;

/** `count` SecretGet records in the alert's hour, cycling over the secrets; one in five from another caller. */
function seededRecords(template: AuditRecord, count: number): AuditRecord[] {
  const vaultUrl = 'https://kv-payments-prod.vault.azure.net';
  return Array.from({ length: count }, (_, i) => {
    const name = `secret-${i % SECRETS}`;
    const version = (i % SECRETS).toString(16).padStart(32, 'a');
    const other = i % 5 === 4 ? (i >> 2) % OTHER_CALLERS : undefined;
    const record: AuditRecord = structuredClone(template);
    record.time = new Date(WINDOW_START + Math.floor((i * WINDOW_MS) / count)).toISOString();
    record.operationName = 'SecretGet';
    record.properties.id = `${vaultUrl}/secrets/${name}/${version}`;
    record.properties.requestUri = `${vaultUrl}/secrets/${name}/${version}?api-version=2025-07-01`;
    if (other !== undefined) {
      record.callerIpAddress = `198.51.100.${20 + other}`;
      record.identity = { claim: { oid: `00000000-0000-4000-8000-0000000000${10 + other}`, idtyp: 'app' } };
    }
    return record;
  });
}

export interface ImpactRun {
  records: number;
  bytesReturned: number;
  rowsReturned: number;
  queries: number;
  wallMs: number;
}

export async function impactRun(records: number, latencyMs: number): Promise<ImpactRun> {
  const scenario = loadScenario('tor-reads-three-secrets');
  const workspace = scenario.azure.workspaces?.[0];
  const template = workspace?.records?.find((r) => r.operationName === 'SecretGet');
  if (!workspace || !template) throw new Error('tor-reads-three-secrets has no workspace with a SecretGet record');
  workspace.records = seededRecords(template, records);
  const sandbox = await startSandbox(scenario, { faults: [latencyRule(latencyMs)] });
  try {
    const { alert } = normalizeAlert(defenderAlertResource(scenario));
    const from = sandbox.requests.length;
    const started = performance.now();
    const impact = await measureImpact(responderAzure(sandbox), {
      alert,
      lookback: 'P1D',
      tables: ['AzureDiagnostics'],
    });
    const wallMs = performance.now() - started;
    if (impact.status !== 'measured') throw new Error(`impact with ${records} records: ${impact.reason}`);
    const queries = sandbox.requests.slice(from).filter((r) => r.service === 'logs' && r.method === 'POST');
    return {
      records,
      bytesReturned: queries.reduce((sum, r) => sum + (r.bytes ?? 0), 0),
      rowsReturned: impact.rows.length + impact.callers.length,
      queries: queries.length,
      wallMs,
    };
  } finally {
    await sandbox.close();
  }
}
