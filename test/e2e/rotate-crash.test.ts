// The rotate job killed at a random moment (SIGKILL, as a cancelled or crashed runner does), then run again:
// every planned secret ends with exactly one new current version, the versions read are disabled, nothing is lost.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/types.js';
import { seededRandom } from '../sandbox/core/index.js';
import { loadScenario, startSandbox, type Sandbox } from '../sandbox/index.js';
import { approve, openIncident, runJob, torPlan } from './support.js';

const scenario = loadScenario('tor-reads-three-secrets');
const READ: Record<string, string> = {
  'db-password': '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  'stripe-api-key': '1f1e2d3c4b5a69788796a5b4c3d2e1f0',
  'jwt-signing-secret': '2f1e2d3c4b5a69788796a5b4c3d2e1f0',
};
const SEEDS = Number(process.env.KV_CRASH_SEEDS ?? 20);

const plan = (): Plan =>
  torPlan(
    scenario,
    [
      {
        id: 'rotate-1-rotate-secrets',
        kind: 'rotate-secrets',
        gate: 'rotate',
        params: {
          secrets: Object.entries(READ).map(([name, v]) => ({ name, compromisedVersions: [v] })),
          disable: 'accessed-versions',
          generator: { length: 32, charset: 'alphanumeric' },
          allSecrets: false,
        },
        reason: 'rule access-from-suspicious-ip: rotate the secrets the caller read',
      },
    ],
    { snapshot: { secrets: Object.entries(READ).map(([name, v]) => ({ name, versionsRead: [v] })) } },
  );

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

describe('rotate killed at a random moment and re-run', { timeout: 120_000 }, () => {
  const random = seededRandom(20261129);
  /** Per seed, how far the killed run got: new versions created plus read versions disabled (0 to 6). */
  const progress: number[] = [];
  afterAll(() => {
    // The kill times must land inside the rotation, not only before or after it.
    expect(progress.filter((n) => n > 0 && n < 6).length, `progress per seed: ${progress.join(', ')}`).toBeGreaterThan(
      0,
    );
  });
  for (let seed = 1; seed <= SEEDS; seed++) {
    const killAfterMs = 500 + Math.floor(random() * 2500);
    it(`seed ${seed}: killed after ${killAfterMs} ms, the re-run converges`, async () => {
      // Key Vault answers slowly and the job rotates one object at a time, so the kill lands inside the rotation.
      const s = await startSandbox(scenario, {
        faults: [{ service: 'keyvault', fault: { kind: 'latency', ms: 120 } }],
      });
      sandbox = s;
      const p = plan();
      await openIncident(s, p);
      approve(s, 'keyvault-rotation');
      const before = new Map(
        Object.keys(READ).map((n) => [
          n,
          s.azure
            .vault('kv-payments-prod')!
            .secrets.get(n)!
            .versions.map((v) => v.value),
        ]),
      );

      const killed = await runJob(
        s,
        'rotate',
        { plan: JSON.stringify(p) },
        { timeoutMs: killAfterMs, env: { KV_ALERT_PLAYBOOK_CONCURRENCY: '1' } },
      );
      progress.push(
        Object.entries(READ).reduce((n, [name, readVersion]) => {
          const versions = s.azure.vault('kv-payments-prod')!.secrets.get(name)!.versions;
          const created = versions.length > before.get(name)!.length ? 1 : 0;
          const disabled = versions.find((v) => v.version === readVersion)!.enabled ? 0 : 1;
          return n + created + disabled;
        }, 0),
      );
      const rerun = await runJob(s, 'rotate', { plan: JSON.stringify(p) });
      expect(rerun.annotations.filter((a) => a.level === 'error')).toEqual([]);
      expect(rerun.exitCode).toBe(0);

      for (const [name, readVersion] of Object.entries(READ)) {
        const versions = s.azure.vault('kv-payments-prod')!.secrets.get(name)!.versions;
        // Nothing lost: every value the secret had is still there.
        expect(versions.map((v) => v.value)).toEqual(expect.arrayContaining(before.get(name)!));
        // Exactly one new version, current and enabled; the version read is disabled.
        expect(versions).toHaveLength(before.get(name)!.length + 1);
        expect(versions.at(-1)!.enabled).toBe(true);
        expect(versions.find((v) => v.version === readVersion)!.enabled).toBe(false);
      }
      expect(killed.timedOut || killed.exitCode === 0).toBe(true);
    });
  }
});
