// The README and the playbook reference are what a new user follows: their generated tables must match their
// sources, every command and path they name must exist, the reference must cover every field, operator and
// step kind the code knows, and every playbook example must load.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { COMBINATORS, OPERATORS, OPERATORS_BY_TYPE } from '../../src/playbook/conditions.js';
import { FIELD_NAMES, FIELDS } from '../../src/playbook/fields.js';
import { loadPlaybook } from '../../src/playbook/index.js';
import { STEP_KINDS, STEPS } from '../../src/steps/index.js';
import { generatedDocs } from '../../scripts/docs.mjs';

const DOCS = ['README.md', 'docs/playbook.md'] as const;
const read = (path: string) => readFileSync(path, 'utf8');
const README = read('README.md');
const REFERENCE = read('docs/playbook.md');

/** Rows of the markdown table that follows a heading, as cells. */
function tableAfter(text: string, heading: string): string[][] {
  const start = text.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`no heading ${heading}`);
  const lines = text.slice(start + heading.length + 2).split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    );
  }
  return rows;
}

describe('generated documentation', () => {
  it('matches action.yml and the playbook schema (run npm run docs)', () => {
    const generated = generatedDocs();
    for (const path of DOCS) expect(read(path), `${path} is stale: run npm run docs`).toBe(generated[path]);
  });

  it('lists every input and output of action.yml', () => {
    const action = parse(read('action.yml')) as { inputs: object; outputs: object };
    const inputs = tableAfter(README, '<!-- inputs:start -->').map((r) => r[0]);
    const outputs = tableAfter(README, '<!-- outputs:start -->').map((r) => r[0]);
    expect(inputs).toEqual(Object.keys(action.inputs).map((n) => `\`${n}\``));
    expect(outputs).toEqual(Object.keys(action.outputs).map((n) => `\`${n}\``));
  });
});

describe('README permissions', () => {
  interface Job {
    environment?: string;
    permissions?: Record<string, string>;
  }
  const workflow = (file: string) =>
    parse(read(`examples/workflows/${file}`)) as { permissions?: Record<string, string>; jobs: Record<string, Job> };

  it("states each job's permissions and environment as the example workflows set them", () => {
    const rows = tableAfter(README, '## Permissions');
    const header = ['issues', 'id-token', 'actions', 'contents'];
    const expected = Object.entries(workflow('keyvault-alert.yml').jobs).map(([name, job]) => ({
      name,
      levels: header.map((p) => job.permissions?.[p] ?? '—'),
      environment: job.environment,
    }));
    const validate = workflow('validate-playbook.yml');
    expected.push({
      name: 'validate',
      levels: header.map((p) => validate.permissions?.[p] ?? '—'),
      environment: undefined,
    });
    for (const job of expected) {
      const row = rows.find((r) => r[0]!.split(' ')[0] === job.name);
      expect(row, job.name).toBeDefined();
      expect(
        row!.slice(1, 5).map((cell) => cell.split(':')[0]),
        job.name,
      ).toEqual(job.levels);
      expect(row![5], job.name).toMatch(job.environment ? `\`${job.environment}\`` : /^—$/);
    }
  });
});

describe('README quick start', () => {
  it('opens with exactly the two commands for a fresh clone', () => {
    const block = /```sh\n([\s\S]*?)```/.exec(README);
    expect(README.indexOf('```sh')).toBeLessThan(README.indexOf('\n## '));
    expect(block?.[1]).toBe('npm ci && npm run demo\nnpm test\n');
  });
});

describe('commands and paths in the docs', () => {
  const scripts = Object.keys((JSON.parse(read('package.json')) as { scripts: object }).scripts);

  it.each(DOCS)('%s names only npm scripts that exist', (path) => {
    const named = [...read(path).matchAll(/npm run ([\w:.-]+)/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((n) => !scripts.includes(n!))).toEqual([]);
  });

  it.each(DOCS)('%s links and names only files that exist', (path) => {
    const text = read(path);
    const links = [...text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)]
      .map((m) => m[1]!)
      .filter((target) => !/^[a-z]+:/.test(target))
      .map((target) => normalize(join(dirname(path), target)));
    // Code spans that are paths in this repository (a user's .github/... paths are not).
    const named = [
      ...text.matchAll(/`((?:src|test|docs|scripts|examples|bridge|playbooks|dist|bench|\.ci)\/[^`\s]*)`/g),
    ]
      .map((m) => m[1]!)
      .concat([...text.matchAll(/`([\w.-]+\.(?:md|yml|json))`/g)].map((m) => m[1]!));
    const paths = [...links, ...named];
    expect(paths.length).toBeGreaterThan(3);
    expect(paths.filter((p) => !existsSync(p))).toEqual([]);
  });
});

describe('playbook reference', () => {
  it('describes every condition field in the fields table, with the operators it takes', () => {
    const rows = tableAfter(REFERENCE, '### Fields');
    expect(rows.map((r) => r[0])).toEqual(FIELD_NAMES.map((f) => `\`${f}\``));
    for (const [name, field] of Object.entries(FIELDS)) {
      const row = rows.find((r) => r[0] === `\`${name}\``);
      expect(row?.[2], name).toBe(OPERATORS_BY_TYPE[field.type].join(', '));
    }
  });

  it('describes every operator and combinator', () => {
    const rows = tableAfter(REFERENCE, '### Operators').map((r) => r[0]);
    expect(rows).toEqual(OPERATORS.map((o) => `\`${o}\``));
    for (const c of COMBINATORS) expect(REFERENCE).toContain(`\`${c}:`);
  });

  it('describes every step kind with its gate, parameters and an example', () => {
    const rows = tableAfter(REFERENCE, '## Step kinds');
    expect(rows.map((r) => r[0])).toEqual(STEP_KINDS.map((k) => `\`${k}\``));
    for (const [kind, step] of Object.entries(STEPS)) {
      const row = rows.find((r) => r[0] === `\`${kind}\``);
      expect(row?.[1], kind).toBe(step.gate ?? 'none (triage)');
      expect(REFERENCE, kind).toContain(`#### \`${kind}\``);
      expect(REFERENCE, kind).toMatch(new RegExp(`^ {2}- ${kind}(:|$)`, 'm'));
    }
  });
});

/** A whole playbook around an example that shows only part of one (settings, a condition, steps). */
function asPlaybook(example: Record<string, unknown>): Record<string, unknown> {
  if ('version' in example) return example;
  const base: Record<string, unknown> = {
    version: 1,
    settings: { gates: { remediate: { environment: 'r' }, rotate: { environment: 'o' } } },
    networks: { corp: ['198.51.100.0/24'] },
  };
  if ('when' in example || 'steps' in example) return { ...base, rules: [{ name: 'example', ...example }] };
  return { ...base, ...example, rules: [{ name: 'example' }] };
}

describe('playbook examples', () => {
  const examples = DOCS.flatMap((path) =>
    [...read(path).matchAll(/```yaml\n([\s\S]*?)```/g)].map((m, i) => ({
      name: `${path} example ${i + 1}`,
      text: m[1]!,
    })),
  );

  it.each(examples)('$name loads without problems', ({ text }) => {
    const example = parse(text) as Record<string, unknown>;
    const result = loadPlaybook('version' in example ? text : stringify(asPlaybook(example)));
    expect(result.ok ? [] : result.problems).toEqual([]);
  });
});
