// Conditions: parsed once from YAML into a tree whose leaves are precompiled tests, so matching does no parsing.
import { isMap, isSeq, type Node } from 'yaml';
import { SEVERITIES } from '../alert/types.js';
import { cidrContains, parseCidr, parseIp, type Cidr } from '../net/ip.js';
import { FIELD_NAMES, FIELDS, type Field, type FieldType, type FieldValue } from './fields.js';
import { globMatch } from './glob.js';
import { didYouMean, type Position } from './problems.js';
import { compileRegex, MAX_MATCHED_LENGTH } from './safe-regex.js';
import type { ShapeEnv } from './shape.js';
import type { Reader, YamlNode } from './yaml-reader.js';

export const OPERATORS = [
  'equals',
  'in',
  'not-in',
  'matches',
  'glob',
  'at-least',
  'at-most',
  'in-network',
  'not-in-network',
  'exists',
  'contains',
] as const;
export type Operator = (typeof OPERATORS)[number];

export const COMBINATORS = ['all', 'any', 'not'] as const;

export const OPERATORS_BY_TYPE: Readonly<Record<FieldType, readonly Operator[]>> = {
  text: ['equals', 'in', 'not-in', 'matches', 'glob', 'exists'],
  prose: ['equals', 'in', 'not-in', 'matches', 'glob', 'exists'],
  ip: ['equals', 'in', 'not-in', 'in-network', 'not-in-network', 'exists'],
  flag: ['equals', 'exists'],
  severity: ['equals', 'in', 'not-in', 'at-least', 'at-most', 'exists'],
  kind: ['equals', 'in', 'not-in', 'exists'],
  list: ['contains', 'exists'],
};

/** A leaf: one operator applied to one field. Only `exists` holds for an absent field (when it says false). */
export interface TestCondition {
  kind: 'test';
  field: string;
  op: Operator;
  /** The condition as written, e.g. `type matches "^KV_TOR"`, for explanations. */
  text: string;
  at: Position;
  get: Field['get'];
  test(value: FieldValue, memo: MatchMemo): boolean;
}

export type Condition =
  | { kind: 'all' | 'any'; items: Condition[]; at: Position }
  | { kind: 'not'; item: Condition; at: Position }
  | TestCondition;

type Predicate = (value: FieldValue, memo: MatchMemo) => boolean;

/**
 * Work shared by all rules while one alert is matched: rules reuse the same named networks, so each
 * (range, address) membership and each address's canonical form is computed once per alert.
 */
export class MatchMemo {
  private readonly canonical = new Map<string, string>();
  private readonly membership = new Map<Cidr, Map<string, boolean>>();

  ip(text: string): string {
    let ip = this.canonical.get(text);
    if (ip === undefined) {
      ip = parseIp(text) ?? text;
      this.canonical.set(text, ip);
    }
    return ip;
  }

  inRange(range: Cidr, ip: string): boolean {
    let byIp = this.membership.get(range);
    if (!byIp) this.membership.set(range, (byIp = new Map()));
    let inside = byIp.get(ip);
    if (inside === undefined) {
      inside = cidrContains(range, ip);
      byIp.set(ip, inside);
    }
    return inside;
  }
}

const severityRank = (s: string): number => SEVERITIES.findIndex((v) => v === s);

/** How a field's values compare: identifiers ignore case, addresses compare canonically. */
function comparable(type: FieldType, value: string, memo?: MatchMemo): string {
  if (type === 'text') return value.toLowerCase();
  if (type === 'ip') return memo ? memo.ip(value) : (parseIp(value) ?? value);
  return value;
}

class ConditionParser {
  constructor(
    private readonly reader: Reader,
    private readonly env: ShapeEnv,
  ) {}

  parse(node: YamlNode, label: string): Condition | undefined {
    const map = this.reader.map(node, label);
    if (!map) return undefined;
    const at = this.reader.at(map);
    const entries = this.reader.entries(map, label);
    if (entries.length === 0) {
      this.reader.report(map, `${label}: empty condition; omit 'when' to match every alert`);
      return undefined;
    }
    const before = this.reader.problems.length;
    const items: Condition[] = [];
    for (const { key, keyNode, value } of entries) {
      const item = this.entry(key, keyNode, value, label);
      if (item) items.push(item);
    }
    if (this.reader.problems.length !== before) return undefined;
    return items.length === 1 ? items[0] : { kind: 'all', items, at };
  }

  private entry(key: string, keyNode: Node, value: YamlNode, label: string): Condition | undefined {
    const at = this.reader.at(keyNode);
    if (key === 'all' || key === 'any') {
      const seq = this.reader.seq(value, `${label}.${key}`);
      if (!seq) return undefined;
      const nodes = this.reader.items(seq);
      if (nodes.length === 0) {
        this.reader.report(keyNode, `${label}.${key}: needs at least one condition`);
        return undefined;
      }
      const items = nodes.map((n, i) => this.parse(n, `${label}.${key}[${i}]`));
      return items.every((c) => c !== undefined) ? { kind: key, items: items as Condition[], at } : undefined;
    }
    if (key === 'not') {
      const item = this.parse(value, `${label}.not`);
      return item && { kind: 'not', item, at };
    }
    const field = FIELDS[key];
    if (!field) {
      this.reader.report(
        keyNode,
        `${label}: unknown field '${key}'${didYouMean(key, [...FIELD_NAMES, ...COMBINATORS])}; fields are ${FIELD_NAMES.join(', ')}, combinators all, any, not`,
      );
      return undefined;
    }
    return this.fieldTests(key, field, keyNode, value, label);
  }

  private fieldTests(name: string, field: Field, keyNode: Node, value: YamlNode, label: string): Condition | undefined {
    const resolved = this.reader.resolve(value);
    if (isMap(resolved)) {
      const entries = this.reader.entries(resolved, `${label}.${name}`);
      if (entries.length === 0) {
        this.reader.report(resolved, `${label}.${name}: no operator given`);
        return undefined;
      }
      const tests: Condition[] = [];
      let ok = true;
      for (const entry of entries) {
        const test = this.test(name, field, entry.key, entry.keyNode, entry.value, label);
        if (test) tests.push(test);
        else ok = false;
      }
      if (!ok) return undefined;
      return tests.length === 1 ? tests[0] : { kind: 'all', items: tests, at: this.reader.at(keyNode) };
    }
    if (field.type === 'list') {
      this.reader.report(
        keyNode,
        `${label}.${name}: '${name}' is a list; write { contains: <name> } (or any: [...] for one of several)`,
      );
      return undefined;
    }
    return this.test(name, field, isSeq(resolved) ? 'in' : 'equals', keyNode, value, label);
  }

  private test(
    name: string,
    field: Field,
    opName: string,
    at: Node,
    operand: YamlNode,
    label: string,
  ): TestCondition | undefined {
    const where = `${label}.${name}`;
    const allowed = OPERATORS_BY_TYPE[field.type];
    if (!(OPERATORS as readonly string[]).includes(opName)) {
      this.reader.report(
        at,
        `${where}: unknown operator '${opName}'${didYouMean(opName, allowed)}; '${name}' takes ${allowed.join(', ')}`,
      );
      return undefined;
    }
    const op = opName as Operator;
    if (!allowed.includes(op)) {
      this.reader.report(at, `${where}: operator '${op}' does not apply to '${name}'; it takes ${allowed.join(', ')}`);
      return undefined;
    }
    const predicate = this.predicate(field, op, operand, `${where}.${op}`);
    if (!predicate) return undefined;
    // An absent field fails every operator except exists (e.g. an alert without an IP is not "outside" corp).
    const test: Predicate = op === 'exists' ? predicate : (v, memo) => v !== undefined && predicate(v, memo);
    const resolved = this.reader.resolve(operand);
    const written = JSON.stringify(resolved ? resolved.toJSON() : null);
    return {
      kind: 'test',
      field: name,
      op,
      text: `${name} ${op} ${written}`,
      at: this.reader.at(at),
      get: field.get,
      test,
    };
  }

  /** One comparable value of the field's type, or undefined (reported). */
  private value(field: Field, node: YamlNode, label: string): string | boolean | undefined {
    const raw = this.reader.scalar(node, label);
    if (raw === undefined) return undefined;
    if (field.type === 'flag') {
      if (typeof raw === 'boolean') return raw;
      this.reader.report(node, `${label}: expected true or false, got ${this.reader.describe(node)}`);
      return undefined;
    }
    if (typeof raw !== 'string' || raw === '') {
      this.reader.report(node, `${label}: expected text, got ${this.reader.describe(node)}`);
      return undefined;
    }
    const text = raw;
    if (field.values) {
      const value = field.values.find((v) => v === text);
      if (value === undefined) {
        this.reader.report(
          node,
          `${label}: '${text}' is not one of ${field.values.join(', ')}${didYouMean(text, field.values)}`,
        );
      }
      return value;
    }
    if (field.type === 'ip') {
      const ip = parseIp(text);
      if (ip === undefined)
        this.reader.report(node, `${label}: '${text}' is not an IP address (use in-network for ranges)`);
      return ip;
    }
    return comparable(field.type, text);
  }

  private values(field: Field, node: YamlNode, label: string): (string | boolean)[] | undefined {
    const seq = this.reader.seq(node, label);
    if (!seq) return undefined;
    const nodes = this.reader.items(seq);
    if (nodes.length === 0) {
      this.reader.report(node, `${label}: needs at least one value`);
      return undefined;
    }
    const values = nodes.map((n, i) => this.value(field, n, `${label}[${i}]`));
    return values.every((v) => v !== undefined) ? (values as (string | boolean)[]) : undefined;
  }

  /** Network names or CIDRs, one or a list, resolved to ranges. */
  private networks(node: YamlNode, label: string): Cidr[] | undefined {
    const resolved = this.reader.resolve(node);
    const nodes = isSeq(resolved) ? this.reader.items(resolved) : [node];
    if (nodes.length === 0) {
      this.reader.report(node, `${label}: needs at least one network name or CIDR`);
      return undefined;
    }
    const out: Cidr[] = [];
    let ok = true;
    nodes.forEach((n, i) => {
      const at = isSeq(resolved) ? `${label}[${i}]` : label;
      const name = this.reader.string(n, at);
      const ranges = name === undefined ? undefined : resolveNetwork(name, this.env);
      if (typeof ranges === 'string') this.reader.report(n, `${at}: ${ranges}`);
      if (ranges === undefined || typeof ranges === 'string') ok = false;
      else out.push(...ranges);
    });
    return ok ? out : undefined;
  }

  private predicate(field: Field, op: Operator, operand: YamlNode, label: string): Predicate | undefined {
    const type = field.type;
    switch (op) {
      case 'equals': {
        const expected = this.value(field, operand, label);
        if (expected === undefined) return undefined;
        return (v, memo) => (typeof v === 'string' ? comparable(type, v, memo) : v) === expected;
      }
      case 'in':
      case 'not-in': {
        const values = this.values(field, operand, label);
        if (!values) return undefined;
        const set = new Set(values);
        const inSet: Predicate = (v, memo) =>
          set.has(typeof v === 'string' ? comparable(type, v, memo) : (v as boolean));
        return op === 'in' ? inSet : (v, memo) => !inSet(v, memo);
      }
      case 'matches': {
        const pattern = this.reader.string(operand, label);
        if (pattern === undefined) return undefined;
        const regex = compileRegex(pattern, type === 'text' ? 'i' : '');
        if (typeof regex === 'string') {
          this.reader.report(operand, `${label}: ${regex}`);
          return undefined;
        }
        return (v) => typeof v === 'string' && v.length <= MAX_MATCHED_LENGTH && regex.test(v);
      }
      case 'glob': {
        const pattern = this.reader.string(operand, label);
        if (pattern === undefined) return undefined;
        const p = comparable(type, pattern);
        return (v) => typeof v === 'string' && globMatch(p, comparable(type, v));
      }
      case 'at-least':
      case 'at-most': {
        const bound = this.value(field, operand, label);
        if (typeof bound !== 'string') return undefined;
        const rank = severityRank(bound);
        return op === 'at-least'
          ? (v) => typeof v === 'string' && severityRank(v) >= rank
          : (v) => typeof v === 'string' && severityRank(v) <= rank;
      }
      case 'in-network':
      case 'not-in-network': {
        const ranges = this.networks(operand, label);
        if (!ranges) return undefined;
        const inside: Predicate = (v, memo) => typeof v === 'string' && ranges.some((r) => memo.inRange(r, v));
        return op === 'in-network'
          ? inside
          : (v, memo) => typeof v === 'string' && parseIp(v) !== undefined && !inside(v, memo);
      }
      case 'exists': {
        const expected = this.reader.boolean(operand, label);
        if (expected === undefined) return undefined;
        return (v) => (v !== undefined && !(Array.isArray(v) && v.length === 0)) === expected;
      }
      case 'contains': {
        const raw = this.reader.string(operand, label);
        if (raw === undefined) return undefined;
        const wanted = raw.toLowerCase();
        return (v) => Array.isArray(v) && v.some((item) => item.toLowerCase() === wanted);
      }
    }
  }
}

/** The ranges a network name (from `networks:`) or a literal CIDR stands for, or a problem message. */
export function resolveNetwork(nameOrCidr: string, env: ShapeEnv): readonly Cidr[] | string {
  const named = env.networks.get(nameOrCidr);
  if (named) return named;
  const cidr = parseCidr(nameOrCidr);
  if (cidr) return [cidr];
  if (/^[\d.:/a-fA-F]+$/.test(nameOrCidr) && /[.:]/.test(nameOrCidr))
    return `'${nameOrCidr}' is not a valid IP address or CIDR`;
  const names = [...env.networks.keys()];
  return `unknown network '${nameOrCidr}'${didYouMean(nameOrCidr, names)}; define it under networks: or write a CIDR`;
}

export function parseCondition(reader: Reader, env: ShapeEnv, node: YamlNode, label: string): Condition | undefined {
  return new ConditionParser(reader, env).parse(node, label);
}
