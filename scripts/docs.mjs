// `npm run docs`: writes the generated parts of the documentation from their sources, between markers:
// README.md's inputs and outputs tables from action.yml, and docs/playbook.md's step parameters from
// playbooks/schema.json (itself generated from the validator's declarations). test/unit/readme.test.ts fails
// when a committed document differs from what this script writes.
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';

const cell = (text) =>
  String(text)
    .replace(/\s*\n\s*/g, ' ')
    .replaceAll('|', '\\|');
const code = (text) => (text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``);

/** The inputs and outputs tables of an action.yml text. */
export function actionTables(actionYml) {
  const action = parse(actionYml);
  const inputs = Object.entries(action.inputs ?? {}).map(
    ([name, input]) =>
      `| ${code(name)} | ${cell(input.description ?? '')} | ${input.default ? code(String(input.default)) : ''} |`,
  );
  const outputs = Object.entries(action.outputs ?? {}).map(
    ([name, output]) => `| ${code(name)} | ${cell(output.description ?? '')} |`,
  );
  return {
    inputs: ['| Input | Description | Default |', '| --- | --- | --- |', ...inputs].join('\n'),
    outputs: ['| Output | Description |', '| --- | --- |', ...outputs].join('\n'),
  };
}

function valueType(schema) {
  if (schema.enum) return schema.enum.map((v) => code(String(v))).join(', ');
  if (schema.type === 'array') return `list of ${valueType(schema.items ?? {})}`;
  if (schema.type === 'object') return 'map';
  if (schema.type === 'integer' && schema.minimum !== undefined) return `integer ${schema.minimum}–${schema.maximum}`;
  return schema.type ?? 'any';
}

function paramRows(properties, prefix = '') {
  return Object.entries(properties).flatMap(([name, schema]) => {
    const row = `| ${code(prefix + name)} | ${valueType(schema)} | ${cell(schema.description ?? '')} |`;
    // One level of nesting (rotate-secrets' value, revoke-access' keep-permissions) gets its own rows.
    return schema.type === 'object' && schema.properties
      ? [row, ...paramRows(schema.properties, `${prefix}${name}.`)]
      : [row];
  });
}

/** One section per step kind of a playbook JSON Schema: its summary and its parameters. */
export function stepTables(schemaJson) {
  const schema = JSON.parse(schemaJson);
  const variants = schema.$defs.step.oneOf.filter((v) => v.type === 'object');
  return variants
    .map((variant) => {
      const kind = Object.keys(variant.properties)[0];
      const params = variant.properties[kind].oneOf.find((s) => s.type === 'object');
      const rows = paramRows(params.properties ?? {});
      const table = rows.length
        ? ['| Parameter | Value | Meaning |', '| --- | --- | --- |', ...rows].join('\n')
        : 'No parameters.';
      return `#### \`${kind}\`\n\n${variant.description}\n\n${table}`;
    })
    .join('\n\n');
}

/** text with the part between `<!-- name:start -->` and `<!-- name:end -->` replaced by content. */
export function replaceBetween(text, name, content) {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`markers ${start} … ${end} not found`);
  return `${text.slice(0, from + start.length)}\n${content}\n${text.slice(to)}`;
}

/** The generated documents, by path, from the current sources. */
export function generatedDocs(read = (path) => readFileSync(path, 'utf8')) {
  const tables = actionTables(read('action.yml'));
  let readme = read('README.md');
  readme = replaceBetween(readme, 'inputs', tables.inputs);
  readme = replaceBetween(readme, 'outputs', tables.outputs);
  const playbook = replaceBetween(read('docs/playbook.md'), 'steps', stepTables(read('playbooks/schema.json')));
  return { 'README.md': readme, 'docs/playbook.md': playbook };
}

// Run as a script (not imported by the test): write the documents.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const [path, text] of Object.entries(generatedDocs())) writeFileSync(path, text);
}
