// The JSON Schema (2020-12) of playbook format 1 for editors, built from the same declarations the validator
// reads (sections, fields, operators, step parameter shapes). `npm run schema` writes playbooks/schema.json.
import { SEVERITIES } from '../alert/types.js';
import { STEP_KINDS, STEPS } from '../steps/index.js';
import { OPERATORS_BY_TYPE, type Operator } from './conditions.js';
import { FIELDS, type FieldType } from './fields.js';
import { NETWORK_NAME_PATTERN } from './parse.js';
import { MAX_PATTERN_LENGTH } from './safe-regex.js';
import { ownerShape, ruleLabelsShape, settingsShape } from './sections.js';
import { toJsonSchema, type Shape } from './shape.js';

type Schema = Record<string, unknown>;

function scalarOf(type: FieldType, values: readonly string[] | undefined): Schema {
  if (type === 'flag') return { type: 'boolean' };
  if (values) return { enum: [...values] };
  return { type: 'string', minLength: 1 };
}

function operandOf(op: Operator, scalar: Schema): Schema {
  switch (op) {
    case 'equals':
      return scalar;
    case 'in':
    case 'not-in':
      return { type: 'array', items: scalar, minItems: 1 };
    case 'matches':
      return { type: 'string', minLength: 1, maxLength: MAX_PATTERN_LENGTH, description: 'A regular expression.' };
    case 'glob':
      return { type: 'string', minLength: 1, description: 'A glob: * any run of characters, ? one character.' };
    case 'at-least':
    case 'at-most':
      return { enum: [...SEVERITIES] };
    case 'in-network':
    case 'not-in-network': {
      const name = { type: 'string', minLength: 1, description: 'A network name from networks:, or a CIDR.' };
      return { oneOf: [name, { type: 'array', items: name, minItems: 1 }] };
    }
    case 'exists':
      return { type: 'boolean' };
    case 'contains':
      return { type: 'string', minLength: 1 };
  }
}

function fieldSchema(type: FieldType, values: readonly string[] | undefined): Schema {
  const scalar = scalarOf(type, values);
  const operators: Schema = {
    type: 'object',
    minProperties: 1,
    properties: Object.fromEntries(OPERATORS_BY_TYPE[type].map((op) => [op, operandOf(op, scalar)])),
    additionalProperties: false,
  };
  // A list field takes only operators; other fields also take a value (equals) or a list (in).
  return type === 'list' ? operators : { oneOf: [scalar, { type: 'array', items: scalar, minItems: 1 }, operators] };
}

function stepSchema(): Schema {
  const withParams = STEP_KINDS.map((kind) => ({
    type: 'object',
    properties: { [kind]: { oneOf: [{ type: 'null' }, toJsonSchema(STEPS[kind].params as Shape)] } },
    required: [kind],
    additionalProperties: false,
    description: STEPS[kind].summary,
  }));
  return {
    description: 'A step kind, or a one-key mapping from the kind to its parameters.',
    oneOf: [{ enum: [...STEP_KINDS] }, ...withParams],
  };
}

export function playbookJsonSchema(): Schema {
  const fieldDefs = Object.fromEntries(Object.keys(FIELDS).map((name) => [name, { $ref: `#/$defs/field-${name}` }]));
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'kv-alert-playbook playbook (format version 1)',
    type: 'object',
    required: ['version', 'rules'],
    additionalProperties: false,
    properties: {
      version: { const: 1, description: 'Playbook format version.' },
      settings: toJsonSchema(settingsShape),
      networks: {
        description: 'Named lists of IP addresses and CIDRs (IPv4 and IPv6), usable in conditions and firewall steps.',
        type: 'object',
        propertyNames: { pattern: NETWORK_NAME_PATTERN },
        additionalProperties: { type: 'array', items: { type: 'string', minLength: 1 } },
      },
      owners: {
        description: 'Who is told and assigned, by vault (and optionally secret) name glob.',
        type: 'array',
        items: toJsonSchema(ownerShape),
      },
      rules: {
        description: 'In order; the first matching rule wins unless it says continue: true.',
        type: 'array',
        items: { $ref: '#/$defs/rule' },
      },
    },
    $defs: {
      rule: {
        type: 'object',
        required: ['name'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', minLength: 1, description: 'Unique rule name.' },
          description: { type: 'string' },
          when: { $ref: '#/$defs/condition', description: 'Omit to match every alert.' },
          steps: { type: 'array', items: { $ref: '#/$defs/step' } },
          suppress: { type: 'boolean', description: 'No issue; the alert is logged and shown in the job summary.' },
          continue: { type: 'boolean', description: 'Keep evaluating later rules after this one matches.' },
          labels: toJsonSchema(ruleLabelsShape),
        },
      },
      condition: {
        description: 'Fields and combinators; several keys in one mapping must all hold.',
        type: 'object',
        minProperties: 1,
        additionalProperties: false,
        properties: {
          all: { type: 'array', minItems: 1, items: { $ref: '#/$defs/condition' } },
          any: { type: 'array', minItems: 1, items: { $ref: '#/$defs/condition' } },
          not: { $ref: '#/$defs/condition' },
          ...fieldDefs,
        },
      },
      ...Object.fromEntries(
        Object.entries(FIELDS).map(([name, field]) => [`field-${name}`, fieldSchema(field.type, field.values)]),
      ),
      step: stepSchema(),
    },
  };
}
