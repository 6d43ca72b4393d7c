// Matching one alert against a 1,000-rule playbook (target: under 20 ms). Run: npm run bench:match.
// Worst case for matching: every rule is evaluated and only the last one matches.
import { bench, describe } from 'vitest';
import type { Alert } from '../src/alert/types.js';
import { loadPlaybook, matchAlert, type Playbook } from '../src/playbook/index.js';

const RULES = 1000;

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

const text = playbookText();
const loaded = loadPlaybook(text);
if (!loaded.ok) throw new Error(`bench playbook invalid: ${loaded.problems[0]?.message}`);
const playbook: Playbook = loaded.playbook;

const alert: Alert = {
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

describe(`${RULES}-rule playbook`, () => {
  bench('match 1 alert (all rules evaluated, with explanations)', () => {
    const result = matchAlert(playbook, alert);
    if (result.matched.at(-1)?.name !== 'last') throw new Error('unexpected match');
  });

  bench('load and validate the playbook (YAML to typed rules)', () => {
    if (!loadPlaybook(text).ok) throw new Error('invalid');
  });
});
