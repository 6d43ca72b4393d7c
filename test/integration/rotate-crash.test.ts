// Crash safety of the rotate executors: the run dies at request k (every request from the k-th on fails, as if the
// process were killed there), then a new run without faults must leave every planned object with exactly one new
// current version, the compromised versions disabled, nothing lost and nothing rotated twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyRotateActions, rotationMarker, TAG_ALERT_ID } from '../../src/apply/rotate.js';
import type { Fault } from '../sandbox/index.js';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import {
  ALERT_ID,
  COMPROMISED_KEY_VERSION,
  SECRETS,
  captureLog,
  planFor,
  rotateCertificatesAction,
  rotateKeysAction,
  rotateSecretsAction,
  rotationScenario,
} from './rotate-support.js';
import { responderAzure } from '../support/azure.js';

const MARKER = rotationMarker(ALERT_ID);
const ACTIONS = [rotateSecretsAction(), rotateKeysAction, rotateCertificatesAction];
/** Copies of the vault in one sandbox: each run (clean, or crashed then re-run) gets its own. */
const VAULTS = 80;
/** Crash points in runs with 8 objects in flight (the sequential runs crash at every request). */
const CONCURRENT_POINTS = 16;
const vaultName = (i: number) => `kv-crash-${String(i).padStart(2, '0')}`;

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox(rotationScenario(Array.from({ length: VAULTS }, (_, i) => vaultName(i))));
});
afterAll(async () => sandbox?.close());

async function run(vault: string, concurrency: number) {
  const log = captureLog();
  const results = await applyRotateActions(
    { az: responderAzure(sandbox), pollIntervalMs: 10 },
    planFor(vault, ACTIONS),
    ACTIONS,
    { dryRun: false, concurrency, log, maskSecret: log.maskSecret },
  );
  return { results, log };
}

/** From the k-th request on, every request fails (rules evaluated newest first, so each counts every request). */
function crashFrom(k: number, fault: Fault): void {
  for (let j = k + 400; j >= k; j -= 1) sandbox.faults.add({ name: `crash-${k}-${j}`, nth: j, fault });
}

function checkEndState(vault: string): void {
  const v = sandbox.azure.vault(vault);
  if (!v) throw new Error(`no vault ${vault}`);
  for (const target of SECRETS) {
    const versions = v.secrets.get(target.name)?.versions ?? [];
    const ours = versions.filter((x) => x.tags?.[TAG_ALERT_ID] === MARKER);
    expect(ours, `${vault} ${target.name}`).toHaveLength(1);
    expect(versions).toHaveLength(3);
    expect(versions.at(-1)).toBe(ours[0]);
    expect(ours[0]?.enabled).toBe(true);
    expect(ours[0]?.value).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(versions.find((x) => x.version === target.compromisedVersions[0])?.enabled).toBe(false);
    expect(versions[0]?.enabled).toBe(true);
  }
  expect(v.deletedSecrets.size).toBe(0);
  const keys = v.keys.get('signing-key')?.versions ?? [];
  expect(keys.filter((x) => x.tags?.[TAG_ALERT_ID] === MARKER)).toHaveLength(1);
  expect(keys).toHaveLength(3);
  expect(keys.at(-1)?.tags?.[TAG_ALERT_ID]).toBe(MARKER);
  expect(keys.at(-1)?.enabled).toBe(true);
  expect(keys.find((x) => x.version === COMPROMISED_KEY_VERSION)?.enabled).toBe(false);
  const certs = v.certificates.get('tls-cert')?.versions ?? [];
  expect(certs).toHaveLength(2);
  expect(certs.at(-1)?.tags?.[TAG_ALERT_ID]).toBe(MARKER);
}

describe('a run killed at any request, then run again', () => {
  let cleanRequests = 0;
  /** 1-based index of the clean run's last Key Vault write: a crash up to there must stop the run. */
  let lastWrite = 0;

  it('a clean run reaches the end state (and counts its requests)', async () => {
    const from = sandbox.requests.length;
    const { results } = await run(vaultName(0), 1);
    const requests = sandbox.requests.slice(from);
    cleanRequests = requests.length;
    lastWrite = requests.findLastIndex((r) => r.service === 'keyvault' && r.method !== 'GET') + 1;
    expect(results.map((r) => r.status)).toEqual(['done', 'done', 'done']);
    checkEndState(vaultName(0));
    // Challenge, token, then per secret: list, create, read back, list, disable; per key and certificate more.
    expect(cleanRequests).toBeGreaterThan(20);
    expect(cleanRequests + CONCURRENT_POINTS).toBeLessThan(VAULTS);
  });

  it('converges after a crash at every request of a sequential run and at spread points of concurrent runs', async () => {
    const points = [
      ...Array.from({ length: cleanRequests }, (_, i) => ({ k: i + 1, concurrency: 1 })),
      ...Array.from({ length: CONCURRENT_POINTS }, (_, i) => ({
        k: 1 + Math.floor((i * cleanRequests) / CONCURRENT_POINTS),
        concurrency: 8,
      })),
    ];
    let unstopped = 0;
    for (const [index, { k, concurrency }] of points.entries()) {
      const vault = vaultName(index + 1);
      const fault: Fault = index % 2 === 0 ? { kind: 'reset' } : { kind: 'status', status: 500 };
      crashFrom(k, fault);
      const first = await run(vault, concurrency);
      sandbox.faults.clear();
      if (k <= lastWrite && first.results.every((r) => r.status === 'done')) unstopped += 1;
      const again = await run(vault, concurrency);
      const label = `crash at request ${k} of a run with concurrency ${concurrency} (${fault.kind})`;
      expect(
        again.results.map((r) => r.status),
        label,
      ).toEqual(['done', 'done', 'done']);
      checkEndState(vault);
      // Nothing generated leaks into either run's results or logs.
      const seen = JSON.stringify([first, again].map((r) => [r.results, r.log.lines]));
      for (const value of [...first.log.masked, ...again.log.masked]) expect(seen).not.toContain(value);
    }
    expect(points.length).toBeGreaterThanOrEqual(40);
    // The faults did stop the first runs before their end (else this test would prove nothing).
    expect(unstopped).toBe(0);
  }, 300_000);
});
