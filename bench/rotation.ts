// Rotation of N secrets with the rotate gate's executor (applyRotateActions) and the real Key Vault SDK clients,
// in process against the sandbox: wall time, requests and the most requests in flight, at the executor's default
// concurrency and at concurrency 1. A fresh sandbox per run (every secret has one compromised version).
import { applyRotateActions, DEFAULT_CONCURRENCY } from '../src/apply/rotate.js';
import { startSandbox } from '../test/sandbox/index.js';
import { captureLog, planFor, rotateSecretsAction, rotationScenario } from '../test/integration/rotate-support.js';
import { responderAzure } from '../test/support/azure.js';
import { latencyRule } from './latency.js';
import { maxInFlight } from './requests.js';

const VAULT = 'kv-bench-rotation';

export { DEFAULT_CONCURRENCY };

export interface RotationRun {
  wallMs: number;
  requests: number;
  maxInFlight: number;
}

const version = (i: number) => i.toString(16).padStart(32, '0');

export async function rotationRun(n: number, concurrency: number, latencyMs: number): Promise<RotationRun> {
  const names = Array.from({ length: n }, (_, i) => `bench-secret-${i}`);
  const scenario = rotationScenario([VAULT], (vault) => {
    vault.secrets = names.map((name, i) => ({
      name,
      versions: [{ version: version(i), value: `${name}-value`, created: '2026-09-01T00:00:00Z' }],
    }));
  });
  const sandbox = await startSandbox(scenario, { faults: [latencyRule(latencyMs)] });
  try {
    const action = rotateSecretsAction({
      secrets: names.map((name, i) => ({ name, compromisedVersions: [version(i)] })),
    });
    const log = captureLog();
    const from = sandbox.requests.length;
    const started = performance.now();
    const [result] = await applyRotateActions(
      { az: responderAzure(sandbox), pollIntervalMs: 10 },
      planFor(VAULT, [action]),
      [action],
      { dryRun: false, concurrency, log, maskSecret: log.maskSecret },
    );
    const wallMs = performance.now() - started;
    const rotated = result?.objects.filter((o) => o.outcome === 'rotated').length ?? 0;
    if (result?.status !== 'done' || rotated !== n) {
      throw new Error(`rotation of ${n} secrets: ${result?.status ?? 'no result'}, ${rotated} rotated`);
    }
    const requests = sandbox.requests.slice(from);
    return { wallMs, requests: requests.length, maxInFlight: maxInFlight(requests) };
  } finally {
    await sandbox.close();
  }
}
