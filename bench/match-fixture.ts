// The 1,000-rule playbook and the alert of the matching benchmark (shared by bench/match.bench.ts and npm run bench).
// Worst case for matching: every rule is evaluated and only the last one matches.
import type { Alert } from '../src/alert/types.js';
import { loadPlaybook, type Playbook } from '../src/playbook/index.js';

export const RULES = 1000;

function playbookText(): string {
  const rules = Array.from(
    { length: RULES - 1 },
    (_, i) => `  - name: rule-${i}
    when:
      all:
        - type: [KV_SuspiciousIPAccess, KV_TORAccess, KV_Type${i}]
        - severity: { at-least: Low }
        - source.ip: { not-in-network: [corp, office] }
        - vault.name: { glob: "kv-team${i}-*" }
        - displayName: { matches: "^Access from .* ${i}$" }
    steps:
      - identify-source
      - firewall: { allow: [corp] }
`,
  );
  return `version: 1
settings:
  gates:
    remediate: { environment: keyvault-remediation }
networks:
  corp: [198.51.100.0/24, "2001:db8:1::/48"]
  office: [192.0.2.0/28]
rules:
${rules.join('')}  - name: last
    steps: [identify-source]
`;
}

export const text = playbookText();
const loaded = loadPlaybook(text);
if (!loaded.ok) throw new Error(`bench playbook invalid: ${loaded.problems[0]?.message}`);
export const playbook: Playbook = loaded.playbook;

export const alert: Alert = {
  id: 'bench',
  type: 'KV_TORAccess',
  simulated: false,
  displayName: 'Access from a TOR exit node to a key vault',
  severity: 'Medium',
  status: 'Active',
  startTime: '2026-11-29T10:00:00.000Z',
  endTime: '2026-11-29T10:05:00.000Z',
  vault: {
    name: 'kv-payments-prod',
    resourceId: '/subscriptions/0/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv-payments-prod',
    subscriptionId: '0',
    resourceGroup: 'rg',
  },
  source: { ip: '203.0.113.7', objectId: 'aaaaaaaa-0000-0000-0000-000000000001' },
  operations: [{ name: 'SecretGet', count: 3 }],
  targets: [],
  form: 'rest',
};
