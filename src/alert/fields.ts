// Case-insensitive, type-checked reads from one JSON object of an alert. Every Defender form spells keys its own
// way (PascalCase, camelCase, `attacker IP Address`), so keys are matched without regard to case; a wrong type is
// a UserError naming the field as the alert spelled it.
import { UserError } from '../errors.js';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function typeName(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

export class Fields {
  private readonly byKey = new Map<string, { key: string; value: unknown }>();

  /** `path` prefixes field names in messages, e.g. "alert.properties". */
  constructor(
    object: JsonObject,
    readonly path: string,
  ) {
    for (const [key, value] of Object.entries(object)) {
      const lower = key.toLowerCase();
      const seen = this.byKey.get(lower);
      // Two spellings of one key are harmless when they agree; when they differ we cannot tell which is meant.
      if (seen && JSON.stringify(seen.value) !== JSON.stringify(value)) {
        throw new UserError(
          `${path}: keys ${JSON.stringify(seen.key)} and ${JSON.stringify(key)} differ only in case and disagree`,
        );
      }
      if (!seen) this.byKey.set(lower, { key, value });
    }
  }

  /** The value under the first of `names` present (null counts as absent), with its spelling in the alert. */
  entry(...names: string[]): { name: string; value: unknown } | undefined {
    for (const name of names) {
      const hit = this.byKey.get(name.toLowerCase());
      if (hit && hit.value !== null && hit.value !== undefined) return { name: this.name(hit.key), value: hit.value };
    }
    return undefined;
  }

  has(name: string): boolean {
    return this.byKey.has(name.toLowerCase());
  }

  /** `path.Key`, or `path["Attacker IP Address"]` for keys that are not plain identifiers. */
  name(key: string): string {
    return /^[A-Za-z_$][\w$]*$/.test(key) ? `${this.path}.${key}` : `${this.path}[${JSON.stringify(key)}]`;
  }

  /** A string field; an empty string counts as absent; any other type is an error. */
  string(...names: string[]): { name: string; value: string } | undefined {
    const hit = this.entry(...names);
    if (!hit) return undefined;
    if (typeof hit.value !== 'string')
      throw new UserError(`${hit.name}: expected a string, got ${typeName(hit.value)}`);
    return hit.value.trim() === '' ? undefined : { name: hit.name, value: hit.value };
  }

  object(...names: string[]): { name: string; value: JsonObject } | undefined {
    const hit = this.entry(...names);
    if (!hit) return undefined;
    if (!isObject(hit.value)) throw new UserError(`${hit.name}: expected an object, got ${typeName(hit.value)}`);
    return { name: hit.name, value: hit.value };
  }

  /** Iterates the object's own entries (for ExtendedProperties key scans). */
  entries(): [string, unknown][] {
    return [...this.byKey.values()].map(({ key, value }) => [key, value]);
  }
}
