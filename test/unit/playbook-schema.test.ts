import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadPlaybook } from '../../src/playbook/index.js';
import { playbookJsonSchema } from '../../src/playbook/json-schema.js';

const schema = JSON.parse(readFileSync('playbooks/schema.json', 'utf8')) as Record<string, unknown>;
const validate = new Ajv2020({ allErrors: true }).compile(schema);
const accepts = (text: string) => validate(parse(text));

const fixtures = 'test/fixtures/playbooks';
/** Every playbook in the repository that is meant to be valid. */
const validPlaybooks = [
  'playbooks/default.yml',
  ...readdirSync(fixtures)
    .filter((f) => f.startsWith('valid-'))
    .map((f) => join(fixtures, f)),
];

/** Complete playbooks shown in the documentation (yaml blocks that start with the schema line or version: 1). */
const documentedPlaybooks = ['README.md', 'docs/playbook.md']
  .filter((file) => existsSync(file))
  .flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)]
      .map((m) => m[1]!)
      .filter((block) => /^(# yaml-language-server: |version: 1\n)/.test(block))
      .map((block) => [file, block] as const),
  );

describe('playbooks/schema.json', () => {
  it('is generated from the validator declarations (run npm run schema after changing them)', () => {
    expect(schema).toEqual(playbookJsonSchema());
  });

  it.each(validPlaybooks)('accepts %s, which the validator also accepts', (path) => {
    const text = readFileSync(path, 'utf8');
    expect(loadPlaybook(text).ok).toBe(true);
    expect(accepts(text), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each(documentedPlaybooks)(
    'accepts the complete playbook example #%# in %s, as the validator does',
    (_file, example) => {
      expect(loadPlaybook(example)).toMatchObject({ ok: true });
      expect(accepts(example), JSON.stringify(validate.errors)).toBe(true);
    },
  );

  it('rejects the invalid fixture with typos', () => {
    expect(accepts(readFileSync(join(fixtures, 'invalid-typos.yml'), 'utf8'))).toBe(false);
  });

  it.each([
    ['an unknown top-level key', 'version: 1\nrule: []\n'],
    ['a wrong version', 'version: 2\nrules: []\n'],
    ['an unknown rule key', 'version: 1\nrules: [{ name: a, setps: [] }]\n'],
    ['an unknown field', 'version: 1\nrules: [{ name: a, when: { source.ipp: 1.2.3.4 } }]\n'],
    ['an unknown operator', 'version: 1\nrules: [{ name: a, when: { type: { match: x } } }]\n'],
    ['an operator that does not apply', 'version: 1\nrules: [{ name: a, when: { type: { at-least: High } } }]\n'],
    ['a bad severity', 'version: 1\nrules: [{ name: a, when: { severity: high } }]\n'],
    ['a scalar on a list field', 'version: 1\nrules: [{ name: a, when: { operations: SecretGet } }]\n'],
    ['an unknown step kind', 'version: 1\nrules: [{ name: a, steps: [rotate-secret] }]\n'],
    ['a step with two kinds', 'version: 1\nrules: [{ name: a, steps: [{ notify: {}, firewall: {} }] }]\n'],
    ['a bad step parameter', 'version: 1\nrules: [{ name: a, steps: [{ rotate-secrets: { scope: some } }] }]\n'],
    ['an unknown step parameter', 'version: 1\nrules: [{ name: a, steps: [{ delete-secrets: { purge: true } }] }]\n'],
    ['a gate without environment', 'version: 1\nsettings: { gates: { rotate: {} } }\nrules: []\n'],
    ['an empty condition', 'version: 1\nrules: [{ name: a, when: {} }]\n'],
    ['a non-boolean flag', 'version: 1\nrules: [{ name: a, continue: "yes" }]\n'],
  ])('rejects %s', (_what, text) => {
    expect(accepts(text)).toBe(false);
    expect(loadPlaybook(text).ok).toBe(false);
  });
});
