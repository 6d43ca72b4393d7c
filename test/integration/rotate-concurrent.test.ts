// Two rotate runs of one plan at once (a CLI run beside the workflow's job): Key Vault has no conditional write,
// so both list no version for the alert and both write one. They must converge: the newest version made for the
// alert stays current, the other is disabled as a duplicate, the versions read are disabled, and neither fails.
import { afterEach, describe, expect, it } from 'vitest';
import { applyRotateActions, rotationMarker, TAG_ALERT_ID } from '../../src/apply/rotate.js';
import type { PlanAction } from '../../src/plan/types.js';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { ALERT_ID, SECRETS, captureLog, planFor, rotateSecretsAction, rotationScenario } from './rotate-support.js';
import { responderAzure } from '../support/azure.js';

const VAULT = 'kv-payments-prod';
const MARKER = rotationMarker(ALERT_ID);

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

function apply(s: Sandbox, actions: PlanAction[]) {
  const log = captureLog();
  return applyRotateActions({ az: responderAzure(s), pollIntervalMs: 10 }, planFor(VAULT, actions), actions, {
    dryRun: false,
    log,
    maskSecret: log.maskSecret,
  });
}

describe('two rotate runs of one plan at once', () => {
  it('keep one new current version per secret, disable the duplicate and the versions read, and both succeed', async () => {
    // Writes answer late, so both runs list the versions before either new version exists.
    const s = (sandbox = await startSandbox(rotationScenario([VAULT]), {
      faults: [{ service: 'keyvault', method: 'PUT', path: /^\/secrets\//, fault: { kind: 'latency', ms: 500 } }],
    }));
    const before = new Map(SECRETS.map((x) => [x.name, s.azure.vault(VAULT)!.secrets.get(x.name)!.versions.length]));
    const action = rotateSecretsAction();
    const [a, b] = await Promise.all([apply(s, [action]), apply(s, [action])]);

    expect([a![0]!.status, b![0]!.status]).toEqual(['done', 'done']);
    for (const target of SECRETS) {
      const versions = s.azure.vault(VAULT)!.secrets.get(target.name)!.versions;
      const ours = versions.filter((v) => v.tags?.[TAG_ALERT_ID] === MARKER);
      // The race did happen: each run wrote a version.
      expect(versions).toHaveLength(before.get(target.name)! + 2);
      expect(ours.map((v) => v.enabled)).toEqual([false, true]);
      expect(versions.at(-1)).toBe(ours[1]);
      expect(versions.find((v) => v.version === target.compromisedVersions[0])!.enabled).toBe(false);
      // A run that saw the other's version reports the one that stayed. A run that finished before the other
      // wrote reports its own, which the other then disabled and names among its disabled versions.
      const reports = [a!, b!].map((run) => run[0]!.objects.find((o) => o.name === target.name)!);
      expect(reports.map((o) => o.newVersion)).toContain(ours[1]!.version);
      for (const [i, o] of reports.entries()) {
        if (o.newVersion !== ours[1]!.version) {
          expect(o.newVersion).toBe(ours[0]!.version);
          expect(reports[1 - i]!.disabledVersions).toContain(ours[0]!.version);
        }
      }
    }
  });
});
