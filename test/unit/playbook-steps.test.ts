import { describe, expect, it } from 'vitest';
import { STEP_KINDS, STEPS } from '../../src/steps/index.js';
import { playbookFrom } from './playbook-support.js';

const header = `version: 1
settings:
  lookback: PT12H
  gates:
    remediate: { environment: keyvault-remediation }
    rotate: { environment: keyvault-rotation }
networks:
  corp: [198.51.100.0/24, "2001:db8:1::/48"]
rules:
  - name: r
    steps:
`;

const stepsOf = (steps: string) => playbookFrom(`${header}${steps}`).rules[0]!.steps;

describe('step kinds', () => {
  it('registers each kind with its gate', () => {
    expect(Object.fromEntries(STEP_KINDS.map((k) => [k, STEPS[k].gate]))).toEqual({
      'identify-source': null,
      'measure-impact': null,
      notify: null,
      firewall: 'remediate',
      'revoke-access': 'remediate',
      'rotate-secrets': 'rotate',
      'disable-secrets': 'rotate',
      'delete-secrets': 'rotate',
      'rotate-keys': 'rotate',
      'rotate-certificates': 'rotate',
    });
  });

  it('applies defaults when a kind is written bare', () => {
    const steps = stepsOf(STEP_KINDS.map((k) => `      - ${k}\n`).join(''));
    expect(steps.map((s) => [s.kind, s.gate, s.params])).toEqual([
      ['identify-source', null, {}],
      ['measure-impact', null, { lookback: 'PT12H', tables: ['AzureDiagnostics', 'AZKVAuditLogs'] }],
      ['notify', null, {}],
      ['firewall', 'remediate', { defaultAction: 'Deny', allow: [], keepKnownCallers: true, bypass: 'AzureServices' }],
      ['revoke-access', 'remediate', { mode: 'remove', keepPermissions: { secrets: [], keys: [], certificates: [] } }],
      [
        'rotate-secrets',
        'rotate',
        {
          scope: 'accessed',
          names: [],
          disable: 'accessed-versions',
          generator: { length: 32, charset: 'alphanumeric' },
        },
      ],
      ['disable-secrets', 'rotate', { scope: 'accessed', names: [] }],
      ['delete-secrets', 'rotate', { scope: 'accessed', names: [] }],
      ['rotate-keys', 'rotate', { scope: 'accessed', names: [] }],
      ['rotate-certificates', 'rotate', { scope: 'accessed', names: [] }],
    ]);
    expect(steps[0]!.at).toEqual({ line: 12, col: 9 });
  });

  it('reads explicit parameters into typed values, resolving networks to ranges', () => {
    const [impact, firewall, revoke, rotate] =
      stepsOf(`      - measure-impact: { lookback: P7D, tables: [AZKVAuditLogs] }
      - firewall: { default-action: Deny, allow: [corp, 192.0.2.10], keep-known-callers: false, bypass: None }
      - revoke-access: { mode: restrict, keep-permissions: { secrets: [get, list] } }
      - rotate-secrets: { scope: listed, names: [db-password], disable: all-previous, generator: { length: 64, charset: hex } }
`);
    expect(impact!.params).toEqual({ lookback: 'P7D', tables: ['AZKVAuditLogs'] });
    expect(firewall!.params).toEqual({
      defaultAction: 'Deny',
      allow: [
        {
          name: 'corp',
          ranges: [
            { kind: 'ipv4', address: '198.51.100.0', prefix: 24 },
            { kind: 'ipv6', address: '2001:db8:1::', prefix: 48 },
          ],
        },
        { name: '192.0.2.10', ranges: [{ kind: 'ipv4', address: '192.0.2.10', prefix: 32 }] },
      ],
      keepKnownCallers: false,
      bypass: 'None',
    });
    expect(revoke!.params).toEqual({
      mode: 'restrict',
      keepPermissions: { secrets: ['get', 'list'], keys: [], certificates: [] },
    });
    expect(rotate!.params).toEqual({
      scope: 'listed',
      names: ['db-password'],
      disable: 'all-previous',
      generator: { length: 64, charset: 'hex' },
    });
  });

  it('accepts a kind mapped to nothing as the bare kind', () => {
    expect(stepsOf('      - notify:\n')[0]!.params).toEqual({});
  });
});
