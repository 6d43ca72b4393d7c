// Typed reads over YAML nodes that report every problem at the node's line and column.
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Document,
  type LineCounter,
  type Node,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { didYouMean, type Position, type Problem } from './problems.js';

export type YamlNode = Node | null | undefined;

export interface Entry {
  key: string;
  keyNode: Node;
  value: YamlNode;
}

export class Reader {
  readonly problems: Problem[] = [];

  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  at(node: YamlNode): Position {
    const offset = node?.range?.[0];
    if (offset === undefined) return { line: 1, col: 1 };
    const { line, col } = this.lines.linePos(offset);
    return { line, col };
  }

  report(where: YamlNode | Position, message: string): void {
    const position = where && 'line' in where ? where : this.at(where);
    this.problems.push({ ...position, message });
  }

  /** The node an alias points at (aliases were bounded by the loader), or the node itself. */
  resolve(node: YamlNode): Node | undefined {
    if (!node) return undefined;
    if (isAlias(node)) return (node.resolve(this.doc) as Node | undefined) ?? undefined;
    return node;
  }

  describe(node: YamlNode): string {
    const n = this.resolve(node);
    if (isMap(n)) return 'a mapping';
    if (isSeq(n)) return 'a list';
    const value: unknown = isScalar(n) ? n.value : undefined;
    if (value === null || value === undefined) return 'nothing';
    if (typeof value === 'string') return 'text';
    if (typeof value === 'number') return `a number (${value})`;
    if (typeof value === 'boolean') return `a boolean (${value})`;
    return `a value (${String(value)})`;
  }

  map(node: YamlNode, label: string): YAMLMap | undefined {
    const n = this.resolve(node);
    if (isMap(n)) return n;
    this.report(node, `${label}: expected a mapping, got ${this.describe(node)}`);
    return undefined;
  }

  seq(node: YamlNode, label: string): YAMLSeq | undefined {
    const n = this.resolve(node);
    if (isSeq(n)) return n;
    this.report(node, `${label}: expected a list, got ${this.describe(node)}`);
    return undefined;
  }

  items(seq: YAMLSeq): YamlNode[] {
    return seq.items as YamlNode[];
  }

  /** The entries of a mapping; unknown keys (when `known` is given) and non-text keys are reported and skipped. */
  entries(map: YAMLMap, label: string, known?: readonly string[]): Entry[] {
    const out: Entry[] = [];
    for (const pair of map.items) {
      const keyNode = this.resolve(pair.key as YamlNode);
      if (!isScalar(keyNode) || typeof keyNode.value !== 'string') {
        this.report(keyNode ?? map, `${label}: keys must be text, got ${this.describe(keyNode)}`);
        continue;
      }
      const key = keyNode.value;
      if (known && !known.includes(key)) {
        this.report(
          keyNode,
          `${label}: unknown key '${key}'${didYouMean(key, known)}; expected one of: ${known.join(', ')}`,
        );
        continue;
      }
      out.push({ key, keyNode, value: pair.value as YamlNode });
    }
    return out;
  }

  /** A scalar's value (string, number, boolean or null), or undefined (and a problem) for a mapping or list. */
  scalar(node: YamlNode, label: string): string | number | boolean | null | undefined {
    const n = this.resolve(node);
    if (n === undefined) return null;
    if (isScalar(n)) {
      const v = n.value;
      if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
    }
    this.report(node, `${label}: expected a single value, got ${this.describe(node)}`);
    return undefined;
  }

  string(node: YamlNode, label: string): string | undefined {
    const v = this.scalar(node, label);
    if (v === undefined) return undefined;
    if (typeof v === 'string' && v.length > 0) return v;
    this.report(node, `${label}: expected text, got ${this.describe(node)}`);
    return undefined;
  }

  boolean(node: YamlNode, label: string): boolean | undefined {
    const v = this.scalar(node, label);
    if (v === undefined) return undefined;
    if (typeof v === 'boolean') return v;
    this.report(node, `${label}: expected true or false, got ${this.describe(node)}`);
    return undefined;
  }
}
