// Canonical JSON and its SHA-256: the plan a reviewer approves is identified by the hash of exactly one text.
// Keys are sorted by UTF-16 code units (JavaScript's default sort, as in RFC 8785), there is no whitespace,
// arrays keep their order and numbers/strings are written by JSON.stringify (the ES number form RFC 8785 uses).
import { createHash } from 'node:crypto';

/** A JSON value as the canonical form accepts it. `undefined` object members are dropped. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue | undefined };

/**
 * Serialises a value canonically. Throws on anything that would not survive a JSON round trip unchanged:
 * non-finite numbers, bigint, functions, symbols, `undefined` array elements, class instances (Date, Map…)
 * and cycles — a plan must hash the same after it is printed and parsed again.
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$', new Set());
}

function write(value: unknown, path: string, ancestors: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON: ${path} is ${value}, not a finite number`);
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw new TypeError(`canonical JSON: ${path} is a ${typeof value}, not a JSON value`);
  }
  if (ancestors.has(value)) throw new TypeError(`canonical JSON: ${path} refers back to itself`);
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      const items = value.map((item: unknown, index) => {
        if (item === undefined) throw new TypeError(`canonical JSON: ${path}[${index}] is undefined`);
        return write(item, `${path}[${index}]`, ancestors);
      });
      return `[${items.join(',')}]`;
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw new TypeError(
        `canonical JSON: ${path} is a ${value.constructor?.name ?? 'non-plain'} object, not plain data`,
      );
    }
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .sort()
      .filter((key) => record[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${write(record[key], `${path}.${key}`, ancestors)}`);
    return `{${members.join(',')}}`;
  } finally {
    ancestors.delete(value);
  }
}

/** Lower-case hex SHA-256 of the UTF-8 bytes of the text. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The plan's identity: SHA-256 of its canonical JSON. */
export function planHash(plan: unknown): string {
  return sha256Hex(canonicalJson(plan));
}
