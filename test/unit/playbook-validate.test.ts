import { describe, expect, it } from 'vitest';
import { problemsOf } from './playbook-support.js';

const gates = `settings:
  gates:
    remediate: { environment: keyvault-remediation }
    rotate: { environment: keyvault-rotation }
`;

/** A playbook with gates and one network, then the given rules section (line 8 is the first rule line). */
const withRules = (rules: string) => `version: 1
${gates}networks:
  corp: [198.51.100.0/24]
rules:
${rules}`;

describe('playbook validation messages (line:col)', () => {
  it('YAML syntax', () => {
    expect(problemsOf('version: 1\nrules:\n  - name: "x\n')).toEqual(['4:1: YAML: Missing closing "quote']);
    expect(problemsOf('version: 1\nrules: [\n  - name: x\n')).toEqual([
      '3:3: YAML: Block collections are not allowed within flow collections',
      '4:1: YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
    expect(problemsOf('a: 1\na: 2\n')).toEqual(['2:1: YAML: Map keys must be unique']);
  });

  it('an empty playbook, a missing or wrong version, missing rules', () => {
    expect(problemsOf('')).toEqual(['1:1: playbook is empty; expected a mapping with version: 1 and rules']);
    expect(problemsOf('rules: []\n')).toEqual(["1:1: playbook: missing required key 'version' (write version: 1)"]);
    expect(problemsOf('version: 2\nrules: []\n')).toEqual([
      '1:10: version: only format version 1 is supported, got a number (2)',
    ]);
    expect(problemsOf('version: 1\n')).toEqual(["1:1: playbook: missing required key 'rules'"]);
  });

  it('unknown keys, with did you mean', () => {
    expect(problemsOf('version: 1\nrule: []\n')).toEqual(
      [
        "2:1: playbook: unknown key 'rule' (did you mean 'rules'?); expected one of: version, settings, networks, owners, rules",
        "1:1: playbook: missing required key 'rules'",
      ].sort(),
    );
    expect(problemsOf(withRules('  - name: a\n    setps: [notify]\n'))).toEqual([
      "10:5: rules[0]: unknown key 'setps' (did you mean 'steps'?); expected one of: name, description, when, steps, suppress, continue, labels",
    ]);
    expect(problemsOf('version: 1\nsettings: { lookbak: P1D }\nrules: []\n')).toEqual([
      "2:13: settings: unknown key 'lookbak' (did you mean 'lookback'?); expected one of: lookback, workspace-id, labels, reopen-closed, gates, service-tags, plan-max-age",
    ]);
    expect(problemsOf(withRules('  - name: a\n    steps:\n      - firewall: { alow: [corp] }\n'))).toEqual([
      "11:21: firewall: unknown key 'alow' (did you mean 'allow'?); expected one of: default-action, allow, keep-known-callers, bypass",
    ]);
  });

  it('wrong types', () => {
    expect(problemsOf('version: 1\nrules: { name: a }\n')).toEqual(['2:8: rules: expected a list, got a mapping']);
    expect(problemsOf(withRules('  - name: a\n    continue: yes\n'))).toEqual([
      "10:15: rule 'a'.continue: expected true or false, got text",
    ]);
    expect(problemsOf('version: 1\nsettings: { labels: security }\nrules: []\n')).toEqual([
      '2:21: settings.labels: expected a list, got text',
    ]);
    expect(problemsOf('version: 1\nsettings: { lookback: 1d }\nrules: []\n')).toEqual([
      "2:23: settings.lookback: '1d' is not a positive ISO 8601 duration in weeks, days, hours, minutes or seconds (e.g. P1D, PT12H)",
    ]);
    expect(problemsOf(withRules('  - name: a\n    when: { simulated: "yes" }\n'))).toEqual([
      "10:24: rule 'a'.when.simulated.equals: expected true or false, got text",
    ]);
  });

  it('invalid and unsafe regexes', () => {
    expect(problemsOf(withRules('  - name: a\n    when: { type: { matches: "^KV_(TOR" } }\n'))).toEqual([
      "10:30: rule 'a'.when.type.matches: invalid regex: Invalid regular expression: /^KV_(TOR/i: Unterminated group",
    ]);
    expect(problemsOf(withRules('  - name: a\n    when: { type: { matches: "(a+)+$" } }\n'))).toEqual([
      "10:30: rule 'a'.when.type.matches: regex repeats a group that contains a quantifier or an alternation (like (a+)+ or (a|ab)*), which can backtrack catastrophically; rewrite it without the nested repetition",
    ]);
    expect(problemsOf(withRules('  - name: a\n    when: { type: { matches: "(a)\\\\1" } }\n'))).toEqual([
      "10:30: rule 'a'.when.type.matches: regex uses a backreference, which can make matching take exponential time",
    ]);
    expect(problemsOf(withRules(`  - name: a\n    when: { type: { matches: "${'a'.repeat(1001)}" } }\n`))).toEqual([
      "10:30: rule 'a'.when.type.matches: regex is 1001 characters long; the limit is 1000",
    ]);
  });

  it('invalid CIDRs and unknown network names', () => {
    expect(problemsOf('version: 1\nnetworks:\n  corp: [10.0.0.0/33, 010.1.1.1]\nrules: []\n')).toEqual([
      "3:10: networks.corp[0]: '10.0.0.0/33' is not a valid IP address or CIDR",
      "3:23: networks.corp[1]: '010.1.1.1' is not a valid IP address or CIDR",
    ]);
    expect(
      problemsOf(withRules('  - name: a\n    when: { source.ip: { in-network: [corpp, 10.0.0.0/40] } }\n')),
    ).toEqual([
      "10:39: rule 'a'.when.source.ip.in-network[0]: unknown network 'corpp' (did you mean 'corp'?); define it under networks: or write a CIDR",
      "10:46: rule 'a'.when.source.ip.in-network[1]: '10.0.0.0/40' is not a valid IP address or CIDR",
    ]);
    expect(problemsOf(withRules('  - name: a\n    steps:\n      - firewall: { allow: [vpn] }\n'))).toEqual([
      "11:29: firewall.allow[0]: unknown network 'vpn'; define it under networks: or write a CIDR",
    ]);
    expect(problemsOf(withRules('  - name: a\n    when: { source.ip: 10.0.0.0/8 }\n'))).toEqual([
      "10:24: rule 'a'.when.source.ip.equals: '10.0.0.0/8' is not an IP address (use in-network for ranges)",
    ]);
  });

  it('unknown fields and operators, operators that do not apply, empty conditions', () => {
    expect(problemsOf(withRules('  - name: a\n    when: { source.ipp: 1.2.3.4 }\n'))).toEqual([
      expect.stringMatching(
        /^10:13: rule 'a'\.when: unknown field 'source\.ipp' \(did you mean 'source\.ip'\?\); fields are type, /,
      ),
    ]);
    expect(problemsOf(withRules('  - name: a\n    when: { type: { match: x } }\n'))).toEqual([
      "10:21: rule 'a'.when.type: unknown operator 'match' (did you mean 'matches'?); 'type' takes equals, in, not-in, matches, glob, exists",
    ]);
    expect(problemsOf(withRules('  - name: a\n    when: { type: { at-least: High } }\n'))).toEqual([
      "10:21: rule 'a'.when.type: operator 'at-least' does not apply to 'type'; it takes equals, in, not-in, matches, glob, exists",
    ]);
    expect(problemsOf(withRules('  - name: a\n    when: { operations: SecretGet }\n'))).toEqual([
      "10:13: rule 'a'.when.operations: 'operations' is a list; write { contains: <name> } (or any: [...] for one of several)",
    ]);
    expect(problemsOf(withRules('  - name: a\n    when: { severity: high }\n'))).toEqual([
      "10:23: rule 'a'.when.severity.equals: 'high' is not one of Informational, Low, Medium, High (did you mean 'High'?)",
    ]);
    expect(problemsOf(withRules('  - name: a\n    when: {}\n'))).toEqual([
      "10:11: rule 'a'.when: empty condition; omit 'when' to match every alert",
    ]);
    expect(problemsOf(withRules('  - name: a\n    when: { any: [] }\n'))).toEqual([
      "10:13: rule 'a'.when.any: needs at least one condition",
    ]);
  });

  it('unknown step kinds, malformed steps and invalid step parameters', () => {
    expect(problemsOf(withRules('  - name: a\n    steps: [rotate-secret]\n'))).toEqual([
      "10:13: rule 'a'.steps[0]: unknown step kind 'rotate-secret' (did you mean 'rotate-secrets'?); kinds are identify-source, measure-impact, notify, firewall, revoke-access, rotate-secrets, disable-secrets, delete-secrets, rotate-keys, rotate-certificates",
    ]);
    expect(problemsOf(withRules('  - name: a\n    steps:\n      - { notify: {}, firewall: {} }\n'))).toEqual([
      "11:9: rule 'a'.steps[0]: a step is a kind name or a one-key mapping from kind to its parameters",
    ]);
    expect(problemsOf(withRules('  - name: a\n    steps:\n      - rotate-secrets: { scope: acessed }\n'))).toEqual([
      "11:34: rotate-secrets.scope: 'acessed' is not one of accessed, all, listed (did you mean 'accessed'?)",
    ]);
    expect(problemsOf(withRules('  - name: a\n    steps:\n      - rotate-secrets: { scope: listed }\n'))).toEqual([
      "11:27: rotate-secrets.scope: scope 'listed' needs names: [...]",
    ]);
    expect(
      problemsOf(withRules('  - name: a\n    steps:\n      - delete-secrets: { names: [db-password] }\n')),
    ).toEqual(['11:27: delete-secrets.names: names apply only with scope: listed']);
    expect(
      problemsOf(withRules('  - name: a\n    steps:\n      - rotate-secrets: { generator: { length: 8 } }\n')),
    ).toEqual(['11:48: rotate-secrets.generator.length: expected a whole number from 16 to 4096, got a number (8)']);
    expect(problemsOf(withRules('  - name: a\n    steps:\n      - revoke-access: { mode: restrict }\n'))).toEqual([
      '11:26: revoke-access.mode: mode restrict needs keep-permissions (what the principal keeps)',
    ]);
    expect(
      problemsOf(
        withRules('  - name: a\n    steps:\n      - revoke-access: { keep-permissions: { secrets: [get] } }\n'),
      ),
    ).toEqual(['11:26: revoke-access.keep-permissions: keep-permissions applies only with mode: restrict']);
    expect(
      problemsOf(withRules('  - name: a\n    steps:\n      - measure-impact: { tables: [AzureDiagnostic] }\n')),
    ).toEqual([
      "11:36: measure-impact.tables[0]: 'AzureDiagnostic' is not one of AzureDiagnostics, AZKVAuditLogs (did you mean 'AzureDiagnostics'?)",
    ]);
  });

  it('duplicate rule names', () => {
    expect(
      problemsOf(
        withRules('  - name: a\n    when: { simulated: true }\n  - name: a\n    when: { simulated: false }\n'),
      ),
    ).toEqual(["11:11: duplicate rule name 'a' (first used at line 9)"]);
  });

  it('a rule after an unconditional rule without continue can never be reached', () => {
    expect(problemsOf(withRules('  - name: all\n    steps: [notify]\n  - name: later\n    steps: [notify]\n'))).toEqual(
      ["11:11: rule 'later' can never be reached: rule 'all' (line 9) matches every alert and does not continue"],
    );
    expect(
      problemsOf(
        withRules('  - name: all\n    continue: true\n    steps: [notify]\n  - name: later\n    steps: [notify]\n'),
      ),
    ).toEqual([]);
  });

  it('a gated step needs its gate environment in settings.gates', () => {
    expect(
      problemsOf('version: 1\nrules:\n  - name: a\n    steps: [identify-source, firewall, rotate-keys]\n'),
    ).toEqual([
      "4:30: rule 'a'.steps[1]: step 'firewall' needs the remediate gate, but settings.gates.remediate.environment is not set; name the GitHub environment whose approval releases it",
      "4:40: rule 'a'.steps[2]: step 'rotate-keys' needs the rotate gate, but settings.gates.rotate.environment is not set; name the GitHub environment whose approval releases it",
    ]);
    expect(problemsOf('version: 1\nsettings: { gates: { rotate: {} } }\nrules: []\n')).toEqual([
      "2:30: settings.gates.rotate: missing required key 'environment'",
    ]);
  });

  it('a suppressed rule cannot have steps; owners are checked', () => {
    expect(problemsOf(withRules('  - name: a\n    suppress: true\n    steps: [notify]\n'))).toEqual([
      "11:5: rule 'a': a suppressed rule opens no issue, so it cannot have steps",
    ]);
    expect(
      problemsOf(
        'version: 1\nowners:\n  - match: { vault: "kv-*" }\n    notify: [octo-org/oncall]\n    assign: ["@alice"]\nrules: []\n',
      ),
    ).toEqual([
      "4:14: owners[0].notify[0]: 'octo-org/oncall' is not a mention (@user or @org/team)",
      "5:14: owners[0].assign[0]: '@alice' is not a GitHub login",
    ]);
  });
});
