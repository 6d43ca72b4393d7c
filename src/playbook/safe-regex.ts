// Regexes from playbooks run against untrusted alert text on V8's backtracking engine, where a pattern like
// (a+)+$ or .*.*.*x$ can take minutes. So a pattern is refused before it is compiled when it repeats a group
// that itself repeats or alternates (exponential), or when its estimated worst case on the longest value
// matched is too large (polynomial); and values longer than MAX_MATCHED_LENGTH are not matched at all.

export const MAX_PATTERN_LENGTH = 1000;
/** Longer field values fail a `matches` condition (with a reason), so one match stays bounded. */
export const MAX_MATCHED_LENGTH = 256;
/**
 * Worst-case backtracking steps allowed: start positions × the product of every repetition's range (an
 * unbounded one counts as MAX_MATCHED_LENGTH) and every alternation's branches. Two unbounded repetitions
 * fit (256³ = 2²⁴, about 10 ms in V8); three do not.
 */
const MAX_COST = 2 ** 25;

interface Group {
  /** The group contains a quantifier or an alternation: repeating it can backtrack exponentially. */
  ambiguous: boolean;
  branches: number;
}

/** A quantifier at `i`: its length and how many ways it can repeat, or undefined when there is none. */
function quantifierAt(pattern: string, i: number): { length: number; range: number } | undefined {
  const c = pattern[i];
  let length: number;
  let range: number;
  if (c === '*' || c === '+') {
    length = 1;
    range = MAX_MATCHED_LENGTH;
  } else if (c === '?') {
    length = 1;
    range = 2;
  } else if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
    if (!m) return undefined;
    length = m[0].length;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === '' ? MAX_MATCHED_LENGTH : Number(m[3]);
    range = Math.max(1, Math.min(max, MAX_MATCHED_LENGTH) - min + 1);
  } else {
    return undefined;
  }
  if (pattern[i + length] === '?') length++;
  return { length, range };
}

const NESTED =
  'regex repeats a group that contains a quantifier or an alternation (like (a+)+ or (a|ab)*), which can backtrack catastrophically; rewrite it without the nested repetition';
const TOO_COSTLY =
  'regex has too many repetitions or alternatives in sequence to match in bounded time (at most two of *, + or {n,}); simplify it or use glob';

/** Why the pattern is refused, or undefined when it is safe to compile and run. */
export function unsafeRegexReason(pattern: string): string | undefined {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return `regex is ${pattern.length} characters long; the limit is ${MAX_PATTERN_LENGTH}`;
  }
  const stack: Group[] = [{ ambiguous: false, branches: 1 }];
  let cost = MAX_MATCHED_LENGTH;
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    let atom = true;
    let group: Group | undefined;
    if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (/[1-9]/.test(next) || (next === 'k' && pattern[i + 2] === '<')) {
        return 'regex uses a backreference, which can make matching take exponential time';
      }
      i += 2;
    } else if (c === '[') {
      // Skip the character class; inside it only escapes and the closing bracket matter.
      i++;
      if (pattern[i] === '^') i++;
      if (pattern[i] === ']') i++;
      while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
      i++;
    } else if (c === '(') {
      stack.push({ ambiguous: false, branches: 1 });
      i++;
      atom = false;
    } else if (c === ')') {
      group = stack.length > 1 ? stack.pop()! : { ambiguous: false, branches: 1 };
      cost *= group.branches;
      if (group.branches > 1) group.ambiguous = true;
      i++;
    } else if (c === '|') {
      stack[stack.length - 1]!.branches++;
      i++;
      atom = false;
    } else {
      i++;
    }
    const top = stack[stack.length - 1]!;
    if (group?.ambiguous) top.ambiguous = true;
    const q = atom ? quantifierAt(pattern, i) : undefined;
    if (q) {
      if (group?.ambiguous && q.range > 2) return NESTED;
      top.ambiguous = true;
      cost *= q.range;
      i += q.length;
    }
    if (cost > MAX_COST) return TOO_COSTLY;
  }
  cost *= stack[0]!.branches;
  return cost > MAX_COST ? TOO_COSTLY : undefined;
}

/** Compiles a playbook regex or returns the problem with it. */
export function compileRegex(pattern: string, flags: string): RegExp | string {
  const unsafe = unsafeRegexReason(pattern);
  if (unsafe) return unsafe;
  try {
    return new RegExp(pattern, flags);
  } catch (error) {
    return `invalid regex: ${(error as Error).message}`;
  }
}
