// Plan pieces the gate tests share: the TOR vault's open firewall at triage, and the planned firewall end state.
import type { NetworkRules } from '../../src/plan/firewall.js';
import type { PlanAction } from '../../src/plan/types.js';

export const OPEN_FIREWALL: NetworkRules = {
  defaultAction: 'Allow',
  bypass: 'AzureServices',
  ipRules: [],
  virtualNetworkRules: [],
};

/** Deny by default, allowing the vault's known caller 198.51.100.10. */
export const FIREWALL_ON: PlanAction = {
  id: 'remediate-1-firewall',
  kind: 'firewall',
  gate: 'remediate',
  params: {
    after: { defaultAction: 'Deny', bypass: 'AzureServices', ipRules: ['198.51.100.10'], virtualNetworkRules: [] },
    added: ['198.51.100.10'],
    removed: [],
    lockedOut: [],
    skipped: [],
  },
  reason: 'rule access-from-suspicious-ip: deny by default',
};

/** A playbook that only names the gates' environments: all the gate tests need of one. */
export function gatesPlaybook(environments: { remediate?: string; rotate?: string }): string {
  const gates = Object.entries(environments).map(([gate, env]) => `    ${gate}: { environment: ${env} }`);
  return [
    'version: 1',
    'settings:',
    '  gates:',
    ...gates,
    'rules:',
    '  - name: all',
    '    steps: [identify-source]',
    '',
  ].join('\n');
}
