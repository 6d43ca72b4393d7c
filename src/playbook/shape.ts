// A small schema language for playbook values: one declaration gives the typed reader (with positioned,
// specific messages) and the JSON Schema fragment for editors, so the two cannot drift apart.
import type { Cidr } from '../net/ip.js';
import { didYouMean } from './problems.js';
import type { Reader, YamlNode } from './yaml-reader.js';

/** What a value check may consult: the playbook's named networks. */
export interface ShapeEnv {
  networks: ReadonlyMap<string, readonly Cidr[]>;
}

interface Documented {
  description: string;
}

export interface TextShape extends Documented {
  type: 'string';
  enum?: readonly string[];
  /** Also emitted to the JSON Schema; `patternHint` says in words what it requires. */
  pattern?: string;
  patternHint?: string;
  maxLength?: number;
  /** A further check on a well-typed value; returns a problem message. */
  check?: (value: string, env: ShapeEnv) => string | undefined;
}

export interface FlagShape extends Documented {
  type: 'boolean';
}

export interface IntegerShape extends Documented {
  type: 'integer';
  minimum: number;
  maximum: number;
}

export interface ListShape<I = unknown> extends Documented {
  type: 'array';
  items: I;
  minItems?: number;
  maxItems?: number;
}

export interface ObjectShape<P = Record<string, unknown>> extends Documented {
  type: 'object';
  properties: P;
  required?: readonly string[];
}

export type Shape = TextShape | FlagShape | IntegerShape | ListShape | ObjectShape;

/** The TypeScript type a shape reads into; object keys are optional (defaults are applied by the consumer). */
export type Infer<S> = S extends { type: 'string'; enum: readonly (infer E)[] }
  ? E
  : S extends { type: 'string' }
    ? string
    : S extends { type: 'boolean' }
      ? boolean
      : S extends { type: 'integer' }
        ? number
        : S extends { type: 'array'; items: infer I }
          ? Infer<I>[]
          : S extends { type: 'object'; properties: infer P }
            ? { [K in keyof P]?: Infer<P[K]> }
            : never;

export function oneOf<const E extends readonly string[]>(values: E, description: string): TextShape & { enum: E } {
  return { type: 'string', enum: values, description };
}

export function text(description: string, extra: Omit<TextShape, 'type' | 'description' | 'enum'> = {}): TextShape {
  return { type: 'string', description, ...extra };
}

export function flag(description: string): FlagShape {
  return { type: 'boolean', description };
}

export function integer(minimum: number, maximum: number, description: string): IntegerShape {
  return { type: 'integer', minimum, maximum, description };
}

export function listOf<const I>(
  items: I,
  description: string,
  bounds: { minItems?: number; maxItems?: number } = {},
): ListShape<I> {
  return { type: 'array', items, description, ...bounds };
}

export function object<const P>(properties: P, description: string, required?: readonly string[]): ObjectShape<P> {
  return { type: 'object', properties, description, ...(required ? { required } : {}) };
}

function readText(reader: Reader, node: YamlNode, shape: TextShape, label: string, env: ShapeEnv): string | undefined {
  const raw = reader.scalar(node, label);
  if (raw === undefined) return undefined;
  if (shape.enum) {
    const value = String(raw ?? '');
    if (typeof raw === 'string' && shape.enum.includes(value)) return value;
    reader.report(node, `${label}: '${value}' is not one of ${shape.enum.join(', ')}${didYouMean(value, shape.enum)}`);
    return undefined;
  }
  if (typeof raw !== 'string' || raw.length === 0) {
    reader.report(node, `${label}: expected text, got ${reader.describe(node)}`);
    return undefined;
  }
  if (shape.maxLength !== undefined && raw.length > shape.maxLength) {
    reader.report(node, `${label}: longer than ${shape.maxLength} characters`);
    return undefined;
  }
  if (shape.pattern !== undefined && !new RegExp(shape.pattern, 'u').test(raw)) {
    reader.report(node, `${label}: '${raw}' is not ${shape.patternHint ?? `of the form ${shape.pattern}`}`);
    return undefined;
  }
  const problem = shape.check?.(raw, env);
  if (problem !== undefined) {
    reader.report(node, `${label}: ${problem}`);
    return undefined;
  }
  return raw;
}

function readList(
  reader: Reader,
  node: YamlNode,
  shape: ListShape,
  label: string,
  env: ShapeEnv,
): unknown[] | undefined {
  const seq = reader.seq(node, label);
  if (!seq) return undefined;
  const items = reader.items(seq);
  if (shape.minItems !== undefined && items.length < shape.minItems) {
    reader.report(node, `${label}: needs at least ${shape.minItems} item${shape.minItems === 1 ? '' : 's'}`);
    return undefined;
  }
  if (shape.maxItems !== undefined && items.length > shape.maxItems) {
    reader.report(node, `${label}: at most ${shape.maxItems} items are allowed, got ${items.length}`);
    return undefined;
  }
  const out: unknown[] = [];
  items.forEach((item, i) => {
    const value = readAny(reader, item, shape.items as Shape, `${label}[${i}]`, env);
    if (value !== undefined) out.push(value);
  });
  return out;
}

function readObject(
  reader: Reader,
  node: YamlNode,
  shape: ObjectShape,
  label: string,
  env: ShapeEnv,
): Record<string, unknown> | undefined {
  const map = reader.map(node, label);
  if (!map) return undefined;
  const properties = shape.properties as Record<string, Shape>;
  const out: Record<string, unknown> = {};
  for (const { key, value } of reader.entries(map, label, Object.keys(properties))) {
    const read = readAny(reader, value, properties[key]!, `${label}.${key}`, env);
    if (read !== undefined) out[key] = read;
  }
  for (const key of shape.required ?? []) {
    if (!map.has(key)) reader.report(node, `${label}: missing required key '${key}'`);
  }
  return out;
}

function readAny(reader: Reader, node: YamlNode, shape: Shape, label: string, env: ShapeEnv): unknown {
  switch (shape.type) {
    case 'string':
      return readText(reader, node, shape, label, env);
    case 'boolean':
      return reader.boolean(node, label);
    case 'integer': {
      const raw = reader.scalar(node, label);
      if (raw === undefined) return undefined;
      if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < shape.minimum || raw > shape.maximum) {
        reader.report(
          node,
          `${label}: expected a whole number from ${shape.minimum} to ${shape.maximum}, got ${reader.describe(node)}`,
        );
        return undefined;
      }
      return raw;
    }
    case 'array':
      return readList(reader, node, shape, label, env);
    case 'object':
      return readObject(reader, node, shape, label, env);
  }
}

/**
 * Reads a value of the shape, reporting every problem. Invalid parts are left out (so one typo does not cascade
 * into follow-on problems); callers that need the whole value compare the reader's problem count.
 */
export function readShape<S extends Shape>(
  reader: Reader,
  node: YamlNode,
  shape: S,
  label: string,
  env: ShapeEnv,
): Infer<S> | undefined {
  return readAny(reader, node, shape, label, env) as Infer<S> | undefined;
}

/** The JSON Schema (2020-12) fragment for a shape. */
export function toJsonSchema(shape: Shape): Record<string, unknown> {
  const base = { description: shape.description };
  switch (shape.type) {
    case 'string':
      return shape.enum
        ? { ...base, enum: [...shape.enum] }
        : {
            ...base,
            type: 'string',
            minLength: 1,
            ...(shape.maxLength !== undefined ? { maxLength: shape.maxLength } : {}),
            ...(shape.pattern !== undefined ? { pattern: shape.pattern } : {}),
          };
    case 'boolean':
      return { ...base, type: 'boolean' };
    case 'integer':
      return { ...base, type: 'integer', minimum: shape.minimum, maximum: shape.maximum };
    case 'array':
      return {
        ...base,
        type: 'array',
        items: toJsonSchema(shape.items as Shape),
        ...(shape.minItems !== undefined ? { minItems: shape.minItems } : {}),
        ...(shape.maxItems !== undefined ? { maxItems: shape.maxItems } : {}),
      };
    case 'object': {
      const properties = shape.properties as Record<string, Shape>;
      return {
        ...base,
        type: 'object',
        properties: Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, toJsonSchema(v)])),
        additionalProperties: false,
        ...(shape.required ? { required: [...shape.required] } : {}),
      };
    }
  }
}
