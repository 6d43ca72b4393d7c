// measure-impact says which read failed when it cannot find the vault's workspace (reliability finding F4): the
// vault's diagnostic settings, or the workspace they name. Real SDK clients against the sandbox's fake Azure, with
// the responder's roles reduced.
import { describe, expect, it } from 'vitest';
import { normalizeAlert } from '../../src/alert/normalize.js';
import { measureImpact } from '../../src/triage/impact.js';
import { loadScenario, startSandbox } from '../sandbox/index.js';
import { responderAzure } from '../support/azure.js';
import { defenderAlertResource } from '../e2e/support.js';

const SELF = '1a2b3c4d-0000-4000-8000-0000000000a1';
const { alert } = normalizeAlert(defenderAlertResource(loadScenario('tor-reads-three-secrets')));

/** The impact's reason when the responder holds only the roles `keep` allows. */
async function impactReason(keep: (role: string) => boolean): Promise<string> {
  const scenario = structuredClone(loadScenario('tor-reads-three-secrets'));
  scenario.azure.roleAssignments = scenario.azure.roleAssignments!.filter(
    (a) => a.principalId !== SELF || keep(a.role),
  );
  const sandbox = await startSandbox(scenario);
  try {
    const az = responderAzure(sandbox);
    const impact = await measureImpact(az, { alert, lookback: 'PT1H', tables: ['AzureDiagnostics'] });
    return impact.status === 'unknown' ? impact.reason : '(measured)';
  } finally {
    await sandbox.close();
  }
}

describe('measure-impact names the object it could not read', () => {
  it('the workspace, when only the vault can be read (Reader on the vault)', async () => {
    const reason = await impactReason((r) => r === 'Reader');
    expect(reason).toMatch(
      /^could not read the Log Analytics workspace law-security \(named by diagnostic setting send-to-law\): .*Microsoft\.OperationalInsights\/workspaces\/read/,
    );
    expect(reason).not.toContain('diagnostic settings');
    expect(reason).not.toMatch(/[\r\n]/);
  });

  it("the vault's diagnostic settings, when the identity has no role on the vault", async () => {
    const reason = await impactReason(() => false);
    expect(reason).toMatch(
      /^could not read the vault's diagnostic settings: .*Microsoft\.Insights\/diagnosticSettings\/read/,
    );
  });
});
