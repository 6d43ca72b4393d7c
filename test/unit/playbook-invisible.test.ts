import { describe, expect, it } from 'vitest';
import { formatProblem, loadPlaybook } from '../../src/playbook/index.js';

const RULE = (name: string) => `  - name: ${name}\n    when: { severity: High }\n    steps: [identify-source]\n`;

function problems(text: string): string[] {
  const result = loadPlaybook(text);
  return result.ok ? [] : result.problems.map((p) => formatProblem('playbook.yml', p));
}

describe('bidi controls and invisible characters in a playbook', () => {
  it('refuses a bidi override in a rule name, at its line and column, naming the code point', () => {
    const text = `version: 1\nrules:\n${RULE('a')}${RULE('b')}${RULE('"adm\u202Enimda"')}`;
    expect(problems(text)).toEqual([
      'playbook.yml:9:15: rules[2].name: contains U+202E RIGHT-TO-LEFT OVERRIDE, which makes the text read ' +
        'differently than it acts (Trojan Source); remove it',
    ]);
  });

  it('refuses them in a step, a key, a description and a comment, before any check that would quote them', () => {
    const text = [
      'version: 1',
      '# reviewed \u2066by alice\u2069',
      'rules:',
      '  - name: r',
      '    description: "looks \u200Bfine"',
      '    when: { severity: High }',
      '    steps: [identify\u200D-source]',
      '    lab\u200Bels: [a]',
      '',
    ].join('\n');
    expect(problems(text)).toEqual([
      expect.stringMatching(
        /^playbook\.yml:2:12: a comment or the space between values: contains U\+2066 LEFT-TO-RIGHT ISOLATE, .*Trojan Source/,
      ),
      expect.stringMatching(
        /^playbook\.yml:5:25: rules\[0\]\.description: contains U\+200B ZERO WIDTH SPACE, which is invisible/,
      ),
      expect.stringMatching(/^playbook\.yml:7:21: rules\[0\]\.steps\[0\]: contains U\+200D ZERO WIDTH JOINER/),
      expect.stringMatching(/^playbook\.yml:8:8: rules\[0\]: a key: contains U\+200B ZERO WIDTH SPACE/),
    ]);
  });

  it('allows a byte-order mark at the start of the file, not inside it', () => {
    expect(problems(`\uFEFFversion: 1\nrules:\n${RULE('r')}`)).toEqual([]);
    expect(problems(`version: 1\nrules:\n${RULE('"r\uFEFF"')}`)).toEqual([
      expect.stringContaining('rules[0].name: contains U+FEFF ZERO WIDTH NO-BREAK SPACE (byte-order mark)'),
    ]);
  });

  it('names format characters it has no name for by what they are', () => {
    expect(problems(`version: 1\nrules:\n${RULE('"r\u{E0041}"')}`)).toEqual([
      expect.stringContaining('rules[0].name: contains U+E0041 an invisible formatting character'),
    ]);
  });

  it('never echoes the character it refuses', () => {
    for (const message of problems(`version: 1\nrules:\n${RULE('"x\u202Ey"')}`)) {
      expect(message).not.toMatch(/[\u202A-\u202E]/);
    }
  });
});
