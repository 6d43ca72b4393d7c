// Triage through dist/index.js as a runner runs it (tor-reads-three-secrets), a fresh sandbox per run: wall time
// from process start to exit, the critical path in round trips from the request log, requests per service.
import { CONCURRENCY_ENV } from '../src/concurrency.js';
import { defenderAlertResource, dispatchEvent, responder } from '../test/e2e/support.js';
import type { RequestLogEntry } from '../test/sandbox/core/types.js';
import { runAction } from '../test/sandbox/harness.js';
import { loadScenario, startSandbox } from '../test/sandbox/index.js';
import { latencyRule } from './latency.js';
import { countByService, criticalPath } from './requests.js';

export const TRIAGE_SCENARIO = 'tor-reads-three-secrets';

/**
 * The fewest sequential round trips triage needs for this scenario (workspace found through the vault's diagnostic
 * settings, no existing issue), each level depending on the one before; the issue lookup needs nothing from Azure
 * and overlaps the reads.
 */
export const TRIAGE_FLOOR = [
  'GitHub OIDC token for the job',
  'Entra token exchange (ARM and Log Analytics audiences at once)',
  "parallel reads: vault, the caller's role assignments, the vault's diagnostic settings; issue lookup",
  'Log Analytics workspace (its customer id, from the diagnostic setting)',
  'the two Log Analytics queries (impact and callers) at once',
  'issue write (create)',
] as const;

export interface TriageRun {
  wallMs: number;
  requests: RequestLogEntry[];
  criticalPath: RequestLogEntry[];
  byService: Record<string, number>;
}

export async function triageRun(latencyMs: number, concurrency?: number): Promise<TriageRun> {
  const scenario = loadScenario(TRIAGE_SCENARIO);
  const sandbox = await startSandbox(scenario, { faults: [latencyRule(latencyMs)] });
  try {
    const app = responder(scenario);
    const started = performance.now();
    const result = await runAction(sandbox, {
      job: 'triage',
      inputs: { mode: 'triage', 'azure-client-id': app.appId, 'azure-tenant-id': scenario.azure.tenantId },
      event: dispatchEvent(defenderAlertResource(scenario)),
      ...(concurrency === undefined ? {} : { env: { [CONCURRENCY_ENV]: String(concurrency) } }),
      timeoutMs: 120_000,
    });
    const wallMs = performance.now() - started;
    if (result.exitCode !== 0) {
      throw new Error(`triage run failed (exit ${result.exitCode}): ${(result.stderr || result.stdout).slice(-2000)}`);
    }
    return {
      wallMs,
      requests: result.requests,
      criticalPath: criticalPath(result.requests),
      byService: countByService(result.requests),
    };
  } finally {
    await sandbox.close();
  }
}
