import { describe, expect, it } from 'vitest';
import defaultPlaybook from '../../playbooks/default.yml';
import { matchAlert } from '../../src/playbook/index.js';
import { makeAlert, playbookFrom } from './playbook-support.js';

const playbook = playbookFrom(defaultPlaybook);
const readOnly = ['identify-source', 'measure-impact', 'notify'];

function route(type: string, simulated = false) {
  const result = matchAlert(playbook, makeAlert({ type, simulated }));
  return {
    rules: result.matched.map((r) => r.name),
    steps: result.steps.map((s) => s.kind),
    gates: [...new Set(result.steps.flatMap((s) => (s.gate ? [s.gate] : [])))],
    labels: result.labels,
  };
}

describe('the bundled default playbook', () => {
  it.each(['KV_SuspiciousIPAccess', 'KV_TORAccess', 'KV_UnusualAccessSuspiciousIP'])(
    '%s (access from a suspicious IP): firewall, then rotate what was read',
    (type) => {
      expect(route(type)).toEqual({
        rules: ['access-from-suspicious-ip'],
        steps: [...readOnly, 'firewall', 'rotate-secrets'],
        gates: ['remediate', 'rotate'],
        labels: [],
      });
    },
  );

  it.each([
    'KV_AppAnomaly',
    'KV_UserAnomaly',
    'KV_UserAppAnomaly',
    'KV_PutGetAnomaly',
    'KV_ListGetAnomaly',
    'KV_OperationVolumeAnomaly',
    'KV_OperationPatternAnomaly',
    'KV_AccountVolumeAnomaly',
  ])('%s (principal anomaly): revoke access, then rotate', (type) => {
    expect(route(type)).toEqual({
      rules: ['principal-anomaly'],
      steps: [...readOnly, 'revoke-access', 'rotate-secrets'],
      gates: ['remediate', 'rotate'],
      labels: [],
    });
  });

  it.each(['KV_SuspiciousIPAccessDenied', 'KV_UserAccessDeniedAnomaly', 'KV_AccountVolumeAccessDeniedAnomaly'])(
    '%s (access denied): a firewall proposal and no rotation',
    (type) => {
      expect(route(type)).toEqual({
        rules: ['access-denied'],
        steps: [...readOnly, 'firewall'],
        gates: ['remediate'],
        labels: [],
      });
    },
  );

  it('plans the firewall deny-by-default and rotation of the accessed secrets, disabling the read versions', () => {
    const steps = matchAlert(playbook, makeAlert({ type: 'KV_TORAccess' })).steps;
    const firewall = steps.find((s) => s.kind === 'firewall');
    const rotate = steps.find((s) => s.kind === 'rotate-secrets');
    expect(firewall?.params).toEqual({
      defaultAction: 'Deny',
      allow: [],
      keepKnownCallers: true,
      bypass: 'AzureServices',
    });
    expect(rotate?.params).toEqual({
      scope: 'accessed',
      names: [],
      disable: 'accessed-versions',
      generator: { length: 32, charset: 'alphanumeric' },
    });
  });

  it('gives a simulated alert of any type an issue labelled simulated and no gated step', () => {
    for (const type of ['KV_TORAccess', 'KV_ListGetAnomaly', 'KV_SuspiciousIPAccessDenied']) {
      expect(route(type, true)).toEqual({
        rules: ['simulated-alert'],
        steps: readOnly,
        gates: [],
        labels: ['simulated'],
      });
    }
  });

  it('gives an undocumented KV_* type (and anything else) the read-only steps only', () => {
    for (const type of ['KV_SomethingNew', 'ARM_MicroBurst.AzKeyVaultSecretsREST']) {
      expect(route(type)).toEqual({ rules: ['other-alert'], steps: readOnly, gates: [], labels: [] });
    }
  });

  it('names the gate environments and uses the documented defaults', () => {
    expect(playbook.settings).toEqual({
      lookback: 'P1D',
      labels: [],
      reopenClosed: true,
      gates: {
        remediate: { environment: 'keyvault-remediation', requireApproval: true },
        rotate: { environment: 'keyvault-rotation', requireApproval: true },
      },
      planMaxAge: 'P7D',
    });
  });
});
