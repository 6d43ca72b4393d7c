// The playbook corpus: invalid and hostile playbooks in test/corpus/playbooks go through the real loader. Each
// is refused with problems that point at a line and column inside the file and read as one line each, or (for
// the few valid look-alikes) loads. Alias bombs, backtracking regexes, huge and deeply nested files must be
// refused, never expanded, compiled or recursed into.
import { afterAll, describe, expect, it } from 'vitest';
import { loadPlaybook } from '../../src/playbook/index.js';
import { caseText, isOneLine, loadCases, recordFigures, type Generator } from './support.js';

/** The inputs too large to commit, built from the case's parameters. */
function generate(g: Generator): string {
  const n = Number(g.bytes ?? g.depth ?? g.count ?? g.length);
  switch (g.kind) {
    case 'huge':
      return `version: 1\n# ${'x'.repeat(n)}\nrules: []\n`;
    case 'deep-flow':
      return `version: 1\nrules: []\nextra: ${'['.repeat(n)}${']'.repeat(n)}\n`;
    case 'deep-block':
      return `version: 1\nrules: []\nextra:\n${Array.from({ length: n }, (_, i) => `${'  '.repeat(i + 1)}k${i}:`).join('\n')} 1\n`;
    case 'many-rules':
      return `version: 1\nrules:\n${Array.from({ length: n }, (_, i) => `  - name: r${i}\n    when: { severity: High }\n    steps: [identify-source]\n`).join('')}`;
    case 'long-regex':
      return `version: 1\nrules:\n  - name: r\n    when: { displayName: { matches: "${'a'.repeat(n)}" } }\n    steps: [identify-source]\n`;
  }
  throw new Error(`corpus: unknown generator ${g.kind}`);
}

const cases = loadCases('playbooks');
let asExpected = 0;

describe('playbook corpus', () => {
  afterAll(() => recordFigures('playbooks', { tried: cases.length, asExpected }));

  it('holds at least 30 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases)('%s', (name, c) => {
    const text = c.generate ? generate(c.generate) : caseText('playbooks', name, 'yml');
    const result = loadPlaybook(text);
    expect(Object.prototype).not.toHaveProperty('polluted');
    const want = c.expect as { ok?: boolean; problemMatch?: string };
    if (want.ok) {
      expect(result.ok ? [] : result.problems).toEqual([]);
    } else {
      expect(result.ok, 'loaded').toBe(false);
      if (result.ok) return;
      const lines = text.split('\n').length;
      for (const p of result.problems) {
        expect(isOneLine(p.message), p.message).toBe(true);
        expect(p.line).toBeGreaterThanOrEqual(1);
        expect(p.line).toBeLessThanOrEqual(lines);
        expect(p.col).toBeGreaterThanOrEqual(1);
      }
      const messages = result.problems.map((p) => `${p.line}:${p.col}: ${p.message}`);
      expect(
        messages.some((m) => new RegExp(want.problemMatch!).test(m)),
        messages.join('\n'),
      ).toBe(true);
    }
    asExpected++;
  });
});
