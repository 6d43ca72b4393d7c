// Playbook text → validated Playbook, or every problem with its line and column. Hostile input (alias bombs,
// huge files, deep nesting) is refused before it can exhaust memory or stack.
import { isAlias, isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { invisibleCharacterProblems } from './invisible.js';
import type { Problem } from './problems.js';
import { readPlaybook } from './parse.js';
import type { Playbook } from './types.js';
import { Reader, type YamlNode } from './yaml-reader.js';

export const MAX_PLAYBOOK_BYTES = 1024 * 1024;
export const MAX_DEPTH = 64;
export const MAX_ALIAS_COUNT = 100;

export type LoadResult = { ok: true; playbook: Playbook } | { ok: false; problems: Problem[] };

const fail = (problems: Problem[]): LoadResult => ({ ok: false, problems });

/**
 * A conservative nesting estimate from the raw text (block indentation, compact "- - -" sequences, flow
 * brackets), so pathological nesting is refused before the parser recurses into it. The exact depth is
 * checked on the parsed tree afterwards.
 */
function nestingTooDeep(text: string): Problem | undefined {
  const indents: number[] = [];
  let flow = 0;
  let quote: string | undefined;
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    let i = 0;
    let depth = indents.length;
    if (flow === 0 && quote === undefined) {
      while (line[i] === ' ') i++;
      if (i === line.length || line[i] === '#' || line[i] === '\r') continue;
      while (indents.length > 0 && indents[indents.length - 1]! >= i) indents.pop();
      indents.push(i);
      depth = indents.length;
      while (line[i] === '-' && line[i + 1] === ' ') {
        if (++depth > MAX_DEPTH)
          return { line: n + 1, col: i + 1, message: `nesting is deeper than ${MAX_DEPTH} levels` };
        i += 2;
        while (line[i] === ' ') i++;
      }
    }
    let previous = '';
    for (; i < line.length; i++) {
      const c = line[i]!;
      if (quote !== undefined) {
        if (c === '\\' && quote === '"') i++;
        else if (c === quote) quote = undefined;
        continue;
      }
      if (c === '#' && (previous === '' || previous === ' ')) break;
      // Brackets and quotes count only where a value can start, not inside a plain scalar like a[b.
      const valueStart = previous === '' || previous === ' ' || ':-,[{?'.includes(previous);
      if ((c === '"' || c === "'") && valueStart) quote = c;
      else if ((c === '[' || c === '{') && valueStart) flow++;
      else if ((c === ']' || c === '}') && flow > 0) flow--;
      if (depth + flow > MAX_DEPTH) {
        return { line: n + 1, col: i + 1, message: `nesting is deeper than ${MAX_DEPTH} levels` };
      }
      if (c !== ' ') previous = c;
    }
    if (depth > MAX_DEPTH) return { line: n + 1, col: 1, message: `nesting is deeper than ${MAX_DEPTH} levels` };
  }
  return undefined;
}

/** The first node nested deeper than MAX_DEPTH, or an alias that refers to a node containing it. */
function nestingProblem(
  doc: Document,
  node: YamlNode,
  depth: number,
  path: Set<Node>,
): { node: Node; message: string } | undefined {
  if (!node) return undefined;
  let target: Node = node;
  if (isAlias(node)) {
    const resolved = node.resolve(doc) as Node | undefined;
    if (!resolved) return undefined;
    if (path.has(resolved)) return { node, message: `YAML alias *${node.source} refers to a node that contains it` };
    target = resolved;
  }
  if (depth > MAX_DEPTH) return { node, message: `nesting is deeper than ${MAX_DEPTH} levels` };
  if (!isMap(target) && !isSeq(target)) return undefined;
  path.add(target);
  const children = isMap(target) ? target.items.map((pair) => pair.value as YamlNode) : (target.items as YamlNode[]);
  for (const child of children) {
    const problem = nestingProblem(doc, child, depth + 1, path);
    if (problem) return problem;
  }
  path.delete(target);
  return undefined;
}

export function loadPlaybook(text: string): LoadResult {
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > MAX_PLAYBOOK_BYTES) {
    const mb = (bytes / (1024 * 1024)).toFixed(1);
    return fail([
      { line: 1, col: 1, message: `playbook is ${mb} MiB; the limit is ${MAX_PLAYBOOK_BYTES / 1024 / 1024} MiB` },
    ]);
  }
  const tooDeep = nestingTooDeep(text);
  if (tooDeep) return fail([tooDeep]);

  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, merge: false });
  const position = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return { line, col };
  };
  if (doc.errors.length > 0) {
    return fail(doc.errors.map((e) => ({ ...position(e.pos[0]), message: `YAML: ${e.message.split('\n')[0]}` })));
  }
  if (doc.contents === null) {
    return fail([{ line: 1, col: 1, message: 'playbook is empty; expected a mapping with version: 1 and rules' }]);
  }
  try {
    // Expanding the document once with a bounded alias count refuses alias bombs (billion laughs).
    doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const message = (error as Error).message;
    return fail([
      {
        line: 1,
        col: 1,
        message: /excessive alias/i.test(message)
          ? `YAML aliases expand too much (more than ${MAX_ALIAS_COUNT} aliased nodes); write the values out`
          : `YAML: ${message}`,
      },
    ]);
  }
  const nesting = nestingProblem(doc, doc.contents as Node, 1, new Set());
  if (nesting) return fail([{ ...position(nesting.node.range?.[0] ?? 0), message: nesting.message }]);

  // Before the other checks, whose messages quote the text they refuse (and would carry the characters along).
  const invisible = invisibleCharacterProblems(text, doc, lines);
  if (invisible.length > 0) return fail(invisible);

  const reader = new Reader(doc, lines);
  const playbook = readPlaybook(reader, doc.contents as Node);
  const problems = [...reader.problems].sort((a, b) => a.line - b.line || a.col - b.col);
  return problems.length === 0 && playbook ? { ok: true, playbook } : fail(problems);
}
