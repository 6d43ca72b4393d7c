import { describe, expect, it } from 'vitest';
import { matchAlert } from '../../src/playbook/index.js';
import { makeAlert, playbookFrom, problemsOf } from './playbook-support.js';

describe('hostile playbooks are refused with a clear message', () => {
  it('a YAML alias bomb', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    expect(problemsOf(`${lines.join('\n')}\nversion: 1\nrules: []\n`)).toEqual([
      '1:1: YAML aliases expand too much (more than 100 aliased nodes); write the values out',
    ]);
  });

  it('an alias that refers to a node containing it', () => {
    expect(problemsOf('version: 1\nrules:\n  - name: a\n    when: &loop { not: *loop }\n')).toEqual([
      '4:24: YAML alias *loop refers to a node that contains it',
    ]);
  });

  it('a few aliases are fine', () => {
    const playbook = playbookFrom(`version: 1
networks:
  corp: &corp [198.51.100.0/24]
  vpn: *corp
rules: []
`);
    expect([...playbook.networks.keys()]).toEqual(['corp', 'vpn']);
  });

  it('a 5 MB file', () => {
    const text = `version: 1\nrules: []\n# ${'x'.repeat(5 * 1024 * 1024)}\n`;
    expect(problemsOf(text)).toEqual(['1:1: playbook is 5.0 MiB; the limit is 1 MiB']);
  });

  it('nesting deeper than 64, in flow, compact and block style', () => {
    expect(problemsOf(`version: 1\nrules: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`)).toEqual([
      '2:71: nesting is deeper than 64 levels',
    ]);
    expect(problemsOf(`version: 1\nrules:\n  ${'- '.repeat(100_000)}x\n`)).toEqual([
      '3:127: nesting is deeper than 64 levels',
    ]);
    const block = Array.from({ length: 70 }, (_, i) => `${' '.repeat(i * 2)}k${i}:`).join('\n');
    expect(problemsOf(`version: 1\nrules: []\n${block} x\n`)).toEqual(['67:129: nesting is deeper than 64 levels']);
    // A legitimately nested condition well under the limit still loads.
    const nested = `${'{ not: '.repeat(20)}{ simulated: true }${' }'.repeat(20)}`;
    expect(problemsOf(`version: 1\nrules:\n  - name: deep\n    when: ${nested}\n`)).toEqual([]);
  });

  it('nesting that the text scan under-counts is caught on the parsed tree', () => {
    // Each line adds a sequence and a mapping (two levels) but one indentation step.
    const lines = Array.from({ length: 40 }, (_, i) => `${' '.repeat(i * 2)}- k${i}:`).join('\n');
    const [problem] = problemsOf(`version: 1\nrules: []\nextra:\n${lines} x\n`);
    expect(problem).toMatch(/^\d+:\d+: nesting is deeper than 64 levels$/);
  });
});

describe('regex conditions cannot hang matching', () => {
  it('refuses catastrophic and over-long patterns at validation', () => {
    const refused = ['(a+)+$', '(a|ab)*c', '(x*)*y', '.*.*.*x$', 'a?'.repeat(30) + 'a'.repeat(30), 'a'.repeat(1001)];
    for (const pattern of refused) {
      const [problem] = problemsOf(`version: 1\nrules:\n  - name: r\n    when: { type: { matches: '${pattern}' } }\n`);
      expect(problem, pattern).toMatch(/^4:30: rule 'r'\.when\.type\.matches: regex /);
    }
  });

  it('matches the worst allowed pattern against a long hostile value promptly, and skips over-long values', () => {
    const playbook = playbookFrom(`version: 1
rules:
  - name: worst
    when: { displayName: { matches: ".*.*x$" } }
`);
    const near = matchAlert(playbook, makeAlert({ displayName: 'a'.repeat(256) }));
    expect(near.rules[0]!.matched).toBe(false);
    const long = matchAlert(playbook, makeAlert({ displayName: `${'a'.repeat(5000)}x` }));
    expect(long.rules[0]!.matched).toBe(false);
    expect(long.rules[0]!.reasons[0]).toContain('(5001 characters; values over 256 are not matched)');
  });
});
