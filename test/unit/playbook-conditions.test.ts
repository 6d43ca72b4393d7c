import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src/alert/types.js';
import { matchAlert } from '../../src/playbook/index.js';
import { makeAlert, playbookFrom } from './playbook-support.js';

const header = `version: 1
networks:
  corp: [198.51.100.0/24, "2001:db8:1::/48"]
  office: [192.0.2.10]
rules:
  - name: r
    when: `;

/** Whether the one-rule playbook with this (flow YAML) condition matches the alert. */
function holds(when: string, alert: Alert = makeAlert()): boolean {
  return matchAlert(playbookFrom(`${header}${when}\n`), alert).rules[0]!.matched;
}

const user = makeAlert({ source: { ip: '198.51.100.20', upn: 'Alice@Contoso.com', objectId: 'aaaaaaaa-1' } });
const external = makeAlert({ source: { ip: '203.0.113.7' } });
const noIp = makeAlert({ source: { objectId: 'aaaaaaaa-1' } });

describe('playbook operators', () => {
  it('a scalar means equals; identifiers compare case-insensitively, prose as written', () => {
    expect(holds('{ type: KV_SuspiciousIPAccess }')).toBe(true);
    expect(holds('{ type: kv_suspiciousipaccess }')).toBe(true);
    expect(holds('{ type: { equals: KV_TORAccess } }')).toBe(false);
    expect(holds('{ vault.name: KV-PAYMENTS-PROD }')).toBe(true);
    expect(holds('{ vault.resourceGroup: RG-Payments }')).toBe(true);
    expect(holds('{ source.upn: alice@contoso.com }', user)).toBe(true);
    expect(holds('{ displayName: "access from a suspicious IP address to a key vault" }')).toBe(false);
    expect(holds('{ displayName: "Access from a suspicious IP address to a key vault" }')).toBe(true);
  });

  it('equals on booleans, severities and addresses (canonical form)', () => {
    expect(holds('{ simulated: false }')).toBe(true);
    expect(holds('{ simulated: true }')).toBe(false);
    expect(holds('{ severity: Medium }')).toBe(true);
    expect(holds('{ source.ip: 203.0.113.7 }')).toBe(true);
    expect(holds('{ source.ip: "::ffff:203.0.113.7" }')).toBe(true);
    expect(holds('{ source.ip: 203.0.113.8 }')).toBe(false);
  });

  it('a list means in; not-in is its negation', () => {
    expect(holds('{ type: [KV_TORAccess, KV_SuspiciousIPAccess] }')).toBe(true);
    expect(holds('{ severity: { in: [High, Low] } }')).toBe(false);
    expect(holds('{ type: { not-in: [KV_TORAccess] } }')).toBe(true);
    expect(holds('{ type: { not-in: [kv_suspiciousipaccess] } }')).toBe(false);
  });

  it('matches: a regex, case-insensitive on identifiers', () => {
    expect(holds('{ type: { matches: "^KV_(SuspiciousIP|TOR)" } }')).toBe(true);
    expect(holds('{ type: { matches: "^kv_suspicious" } }')).toBe(true);
    expect(holds('{ type: { matches: "Anomaly$" } }')).toBe(false);
    expect(holds('{ displayName: { matches: "^access" } }')).toBe(false);
  });

  it('glob: * and ? on names', () => {
    expect(holds('{ vault.name: { glob: "kv-payments-*" } }')).toBe(true);
    expect(holds('{ vault.name: { glob: "KV-?AYMENTS-*" } }')).toBe(true);
    expect(holds('{ vault.name: { glob: "kv-billing-*" } }')).toBe(false);
  });

  it('at-least and at-most follow Informational < Low < Medium < High', () => {
    expect(holds('{ severity: { at-least: Low } }')).toBe(true);
    expect(holds('{ severity: { at-least: High } }')).toBe(false);
    expect(holds('{ severity: { at-most: Medium } }')).toBe(true);
    expect(holds('{ severity: { at-most: Low } }')).toBe(false);
  });

  it('in-network and not-in-network take network names or CIDRs, IPv4 and IPv6', () => {
    expect(holds('{ source.ip: { in-network: [corp] } }', user)).toBe(true);
    expect(holds('{ source.ip: { in-network: corp } }', makeAlert({ source: { ip: '2001:db8:1::5' } }))).toBe(true);
    expect(holds('{ source.ip: { in-network: [office, 203.0.113.0/24] } }', external)).toBe(true);
    expect(holds('{ source.ip: { not-in-network: [corp] } }', external)).toBe(true);
    expect(holds('{ source.ip: { not-in-network: [corp, office] } }', user)).toBe(false);
  });

  it('an absent field fails every operator except exists', () => {
    expect(holds('{ source.ip: { not-in-network: [corp] } }', noIp)).toBe(false);
    expect(holds('{ source.ip: { in-network: [corp] } }', noIp)).toBe(false);
    expect(holds('{ source.upn: { not-in: [bob@contoso.com] } }', external)).toBe(false);
    expect(holds('{ source.upn: { exists: false } }', external)).toBe(true);
    expect(holds('{ source.upn: { exists: true } }', user)).toBe(true);
    expect(holds('{ operations: { exists: true } }')).toBe(true);
    expect(holds('{ operations: { exists: true } }', makeAlert({ operations: [] }))).toBe(false);
  });

  it('contains: an element of a list field, case-insensitively', () => {
    expect(holds('{ operations: { contains: secretlist } }')).toBe(true);
    expect(holds('{ operations: { contains: SecretSet } }')).toBe(false);
    expect(holds('{ targets: { contains: "https://kv-payments-prod.vault.azure.net/secrets/db-password" } }')).toBe(
      true,
    );
  });

  it('derives source.kind: user with a UPN, app with an object id only, external with neither', () => {
    expect(holds('{ source.kind: user }', user)).toBe(true);
    expect(holds('{ source.kind: app }', makeAlert())).toBe(true);
    expect(holds('{ source.kind: external }', external)).toBe(true);
    expect(holds('{ source.kind: { in: [user, app] } }', external)).toBe(false);
  });
});

describe('playbook combinators', () => {
  it('several fields in one mapping, and several operators on one field, are ANDed', () => {
    expect(holds('{ type: KV_SuspiciousIPAccess, severity: High }')).toBe(false);
    expect(holds('{ type: KV_SuspiciousIPAccess, severity: Medium }')).toBe(true);
    expect(holds('{ severity: { at-least: Low, at-most: Medium } }')).toBe(true);
    expect(holds('{ severity: { at-least: Low, not-in: [Medium] } }')).toBe(false);
  });

  it('all, any and not nest', () => {
    expect(holds('{ all: [{ type: KV_SuspiciousIPAccess }, { severity: Medium }] }')).toBe(true);
    expect(holds('{ all: [{ type: KV_SuspiciousIPAccess }, { severity: High }] }')).toBe(false);
    expect(holds('{ any: [{ type: KV_TORAccess }, { severity: Medium }] }')).toBe(true);
    expect(holds('{ any: [{ type: KV_TORAccess }, { severity: High }] }')).toBe(false);
    expect(holds('{ not: { simulated: true } }')).toBe(true);
    expect(holds('{ not: { any: [{ simulated: true }, { source.kind: app }] } }')).toBe(false);
    expect(
      holds(
        '{ all: [{ any: [{ type: KV_TORAccess }, { not: { source.ip: { in-network: [corp] } } }] }, { severity: { at-least: Medium } }] }',
      ),
    ).toBe(true);
  });
});

describe('rule selection and explanations', () => {
  const playbook = playbookFrom(`version: 1
settings:
  labels: [security]
  gates:
    remediate: { environment: keyvault-remediation }
networks:
  corp: [198.51.100.0/24]
rules:
  - name: tag-prod
    when: { vault.name: { glob: "*-prod" } }
    labels: [prod]
    continue: true
    steps: [identify-source]
  - name: outside-ip
    when:
      all:
        - source.ip: { not-in-network: [corp] }
        - severity: { at-least: High }
    steps:
      - identify-source
      - firewall: { allow: [corp] }
  - name: everything-else
    steps: [identify-source, notify]
`);

  it('explains the first failing condition with the actual value and its line', () => {
    const result = matchAlert(playbook, makeAlert());
    expect(result.rules).toEqual([
      {
        name: 'tag-prod',
        matched: true,
        reasons: ['vault.name glob "*-prod" holds: actual "kv-payments-prod" (line 10)'],
      },
      {
        name: 'outside-ip',
        matched: false,
        reasons: ['severity at-least "High" fails: actual "Medium" (line 18)'],
      },
      { name: 'everything-else', matched: true, reasons: ['no conditions: matches every alert'] },
    ]);
  });

  it('collects steps of matched rules in order, each kind once, and the labels', () => {
    const result = matchAlert(playbook, makeAlert({ severity: 'High' }));
    expect(result.matched.map((r) => r.name)).toEqual(['tag-prod', 'outside-ip']);
    expect(result.steps.map((s) => s.kind)).toEqual(['identify-source', 'firewall']);
    expect(result.labels).toEqual(['security', 'prod']);
    expect(result.suppressed).toBe(false);
    const firewall = result.steps[1]!;
    expect(firewall.kind === 'firewall' && firewall.params.allow.map((a) => a.name)).toEqual(['corp']);
  });

  it('reports rules after a stopping match as not reached', () => {
    const result = matchAlert(playbook, makeAlert({ severity: 'High' }));
    expect(result.rules[2]).toEqual({
      name: 'everything-else',
      matched: false,
      reasons: ["not reached: rule 'outside-ip' matched and does not continue"],
    });
  });

  it('explains any and not', () => {
    const p = playbookFrom(`version: 1
rules:
  - name: r
    when:
      any:
        - type: KV_TORAccess
        - not: { simulated: false }
`);
    expect(matchAlert(p, makeAlert()).rules[0]!.reasons).toEqual([
      'none of any (line 5) holds: type equals "KV_TORAccess" fails: actual "KV_SuspiciousIPAccess" (line 6); not (line 7): simulated equals false holds: actual false (line 7)',
    ]);
  });

  it('suppress marks the alert as suppressed', () => {
    const p = playbookFrom(`version: 1
rules:
  - name: ignore-samples
    when: { simulated: true }
    suppress: true
  - name: rest
    steps: [identify-source]
`);
    const result = matchAlert(p, makeAlert({ simulated: true }));
    expect(result.suppressed).toBe(true);
    expect(result.steps).toEqual([]);
    expect(matchAlert(p, makeAlert()).suppressed).toBe(false);
  });
});
