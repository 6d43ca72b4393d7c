// Bidi controls and invisible characters anywhere in a playbook are refused: the playbook is reviewed as text, and
// such a character makes it read differently than it acts (Trojan Source: a rule name or a condition that shows
// one thing and matches another, a comment that hides what follows). Free text (descriptions, comments) included:
// it has no legitimate use for them, and one rule is simpler to review than a list of exempt fields.
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { Problem } from './problems.js';

// Unicode format characters (Cf: bidi controls, zero-width characters, the BOM, tag characters), the line and
// paragraph separators, and the Hangul fillers, which render as blank.
const INVISIBLE = /[\p{Cf}\u2028\u2029\u115F\u1160\u3164\uFFA0]/u;
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, 'gu');
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;

const NAMES: Record<number, string> = {
  0x00ad: 'SOFT HYPHEN',
  0x061c: 'ARABIC LETTER MARK',
  0x115f: 'HANGUL CHOSEONG FILLER',
  0x1160: 'HANGUL JUNGSEONG FILLER',
  0x180e: 'MONGOLIAN VOWEL SEPARATOR',
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x2028: 'LINE SEPARATOR',
  0x2029: 'PARAGRAPH SEPARATOR',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2060: 'WORD JOINER',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
  0x3164: 'HANGUL FILLER',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE (byte-order mark)',
  0xffa0: 'HALFWIDTH HANGUL FILLER',
};

/** "U+202E RIGHT-TO-LEFT OVERRIDE"; characters without a name here are described by their category. */
export function describeCodePoint(char: string): string {
  const cp = char.codePointAt(0)!;
  const hex = cp.toString(16).toUpperCase().padStart(4, '0');
  return `U+${hex} ${NAMES[cp] ?? 'an invisible formatting character'}`;
}

interface Labelled {
  start: number;
  end: number;
  label: string;
}

/** Every scalar's source range with the path of the value it is (`rules[2].name`) or the mapping it is a key of. */
function scalarLabels(node: unknown, path: string, out: Labelled[]): void {
  if (isScalar(node) && node.range) {
    out.push({ start: node.range[0], end: node.range[1], label: path || 'the playbook' });
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => scalarLabels(item, `${path}[${i}]`, out));
  } else if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      scalarLabels(pair.key, `${path || 'the playbook'}: a key`, out);
      // A key with an invisible character is reported itself; the path shows it with those characters removed.
      const key = isScalar(pair.key) ? String(pair.key.value).replace(INVISIBLE_ALL, '') : '?';
      scalarLabels(pair.value, path ? `${path}.${key}` : key, out);
    }
  }
}

/**
 * One problem per line that holds a bidi control or an invisible character, naming the code point and the value
 * it is in. A byte-order mark at the very start of the file is allowed: it is an encoding mark, not content.
 */
export function invisibleCharacterProblems(text: string, doc: Document, lines: LineCounter): Problem[] {
  if (!INVISIBLE.test(text)) return [];
  const labels: Labelled[] = [];
  scalarLabels(doc.contents as Node | null, '', labels);
  labels.sort((a, b) => a.start - b.start);
  const problems: Problem[] = [];
  let next = 0;
  let lastLine = 0;
  for (const match of text.matchAll(INVISIBLE_ALL)) {
    const offset = match.index;
    if (offset === 0 && match[0] === '\uFEFF') continue;
    const { line, col } = lines.linePos(offset);
    if (line === lastLine) continue;
    lastLine = line;
    while (next < labels.length && labels[next]!.end <= offset) next++;
    const at = labels[next];
    const label = at && at.start <= offset ? at.label : 'a comment or the space between values';
    const effect = BIDI.test(match[0])
      ? 'which makes the text read differently than it acts (Trojan Source)'
      : 'which is invisible, so the text reads differently than it acts';
    problems.push({ line, col, message: `${label}: contains ${describeCodePoint(match[0])}, ${effect}; remove it` });
  }
  return problems;
}
