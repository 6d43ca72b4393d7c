// The one place where text from the alert or from Azure becomes GitHub markdown. Every such string goes through
// a primitive here, so it renders as inert text: no mentions, issue references, HTML, links, images, autolinks,
// marker text, broken tables, or invisible/bidi characters, and it is cut to a bounded length.
//
// GitHub finds mentions, references and autolinks in the *rendered* text (entities already decoded), so
// escaping `@` as an entity is not enough: a zero-width space after the trigger character breaks the pattern
// (the technique Renovate and Dependabot use). Markdown syntax is neutralised with backslash escapes, and
// `<`, `>` and `&` become entities so no HTML or comment can open.

declare const markdownBrand: unique symbol;

/** Markdown that is safe to place in an issue body: produced by this module, or written by us (`literal`). */
export type Markdown = string & { readonly [markdownBrand]: true };

/** Default length (UTF-16 units, before escaping) of one inline value or code span. */
export const DEFAULT_INLINE_MAX = 200;
/** Default length of a code block's content. */
export const DEFAULT_BLOCK_MAX = 20_000;
/** GitHub refuses issue and comment bodies longer than this. */
export const GITHUB_BODY_MAX = 65_536;
/** GitHub's issue title limit. */
export const GITHUB_TITLE_MAX = 256;

const ELLIPSIS = '…';
const ZWSP_ENTITY = '&#8203;';
const ZWSP = '\u200B';

/**
 * Characters removed from every untrusted string: C0/C1 controls (tab and line breaks are handled separately),
 * bidi embeddings/overrides/isolates and marks (Trojan Source), zero-width and invisible formatting characters,
 * and Unicode tag characters (invisible ASCII look-alikes).
 */
const UNSAFE_CHARS =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u0084\u0086-\u009F\u00AD\u061C\u115F\u1160\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u206F\u3164\uFEFF\uFFA0\uFFF9-\uFFFB]|\uDB40[\uDC00-\uDC7F]/g;
const LINE_BREAKS = /\r\n|[\r\n\u0085\u2028\u2029]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export interface CleanOptions {
  /** Keep line breaks (normalised to `\n`) and tabs; otherwise each becomes a space. */
  multiline?: boolean;
}

/** Removes unsafe invisible characters and repairs lone surrogates; the text stays plain text (no escaping). */
export function cleanText(text: string, options: CleanOptions = {}): string {
  const repaired = text.replace(LONE_SURROGATE, '\uFFFD').replace(UNSAFE_CHARS, '');
  return repaired.replace(LINE_BREAKS, options.multiline ? '\n' : ' ').replace(/\t/g, options.multiline ? '\t' : ' ');
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const SEGMENT_MARGIN = 128;

/**
 * Cuts text to at most `max` UTF-16 units including the ellipsis, at a grapheme boundary, so an emoji,
 * a flag or a surrogate pair is never split.
 */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < ELLIPSIS.length) return '';
  let kept = '';
  // Segment only a prefix: V8's segmenter slows down with the length of the whole text (160k characters take
  // seconds), even when the loop stops early. The slice reaches past the cut by more than any real grapheme
  // cluster is long (flags, ZWJ sequences), so the segments that can be kept are the same as in the whole text.
  for (const { segment } of graphemes.segment(text.slice(0, max + SEGMENT_MARGIN))) {
    if (kept.length + segment.length > max - ELLIPSIS.length) break;
    kept += segment;
  }
  return kept + ELLIPSIS;
}

export interface InlineOptions {
  /** Maximum length of the value before escaping (default DEFAULT_INLINE_MAX). */
  max?: number;
}

// One pass over the cleaned text: every trigger is handled where it stands, so no rule can undo another.
const INLINE_TOKENS = /:\/\/|www\.|GH-(?=\d)|kv-alert-playbook|[\\`*_[\]|~#<>&@]/gi;

function inlineToken(token: string, offset: number, whole: string): string {
  switch (token) {
    case '://':
      return '\\[:\\]//'; // shown as "[:]//": no autolink for any scheme
    case '\\':
    case '`':
    case '*':
    case '_':
    case '[':
    case ']':
    case '|':
    case '~':
      return `\\${token}`;
    case '#': // before a digit also no issue reference
      return /\d/.test(whole.charAt(offset + 1)) ? `\\#${ZWSP_ENTITY}` : '\\#';
    case '<':
      return '&lt;';
    case '>':
      return '&gt;';
    case '&':
      return '&amp;';
    case '@':
      return `@${ZWSP_ENTITY}`; // no mention, no e-mail autolink
  }
  const lower = token.toLowerCase();
  if (lower === 'www.') return `${token.slice(0, 3)}\\[.\\]`;
  if (lower === 'gh-') return `${token}${ZWSP_ENTITY}`;
  return `${token.slice(0, 2)}${ZWSP_ENTITY}${token.slice(2)}`; // kv-alert-playbook: our marker prefix
}

/**
 * An untrusted value as inline markdown: one line, safe in a paragraph, a list item or a table cell.
 * Renders as the original text except that URLs are shown defanged (`https[:]//`, `www[.]`).
 */
export function inline(text: string, options: InlineOptions = {}): Markdown {
  const value = cut(cleanText(text), options.max ?? DEFAULT_INLINE_MAX);
  let escaped = value.replace(INLINE_TOKENS, inlineToken);
  // Constructs that only count at the start of a line (lists, setext underlines, ordered lists).
  if (/^[-+=]/.test(escaped)) escaped = `\\${escaped}`;
  escaped = escaped.replace(/^(\d+)([.)])/, '$1\\$2');
  return escaped as Markdown;
}

/** Breaks our marker syntax inside code, where entities are not decoded, with a literal zero-width space. */
function breakMarkers(text: string): string {
  return text.replace(/<!--|-->|kv-alert-playbook/gi, (m) => `${m.slice(0, 2)}${ZWSP}${m.slice(2)}`);
}

function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return longest;
}

export interface CodeOptions extends InlineOptions {
  /** The span goes into a table cell: pipes are escaped (GitHub's table parser unescapes them inside spans). */
  table?: boolean;
}

/** An untrusted value as an inline code span; the fence is longer than any backtick run inside. */
export function code(text: string, options: CodeOptions = {}): Markdown {
  let value = breakMarkers(cut(cleanText(text), options.max ?? DEFAULT_INLINE_MAX));
  if (options.table) value = value.replace(/\|/g, '\\|');
  if (value.trim() === '') return '` `' as Markdown;
  const fence = '`'.repeat(longestBacktickRun(value) + 1);
  // A span strips one space from each side when both are present; pad whenever stripping or a touching
  // backtick would change the content.
  const pad = value.startsWith('`') || value.endsWith('`') || (value.startsWith(' ') && value.endsWith(' '));
  return (pad ? `${fence} ${value} ${fence}` : `${fence}${value}${fence}`) as Markdown;
}

export interface CodeBlockOptions {
  /** Maximum length of the content (default DEFAULT_BLOCK_MAX); a cut says how much was left out. */
  max?: number;
}

/** Untrusted multi-line text as a fenced code block; the fence is longer than any backtick run inside. */
export function codeBlock(text: string, lang = '', options: CodeBlockOptions = {}): Markdown {
  const max = options.max ?? DEFAULT_BLOCK_MAX;
  const clean = cleanText(text, { multiline: true });
  const kept = cut(clean, max);
  const omitted = clean.length - (kept.length - (kept === clean ? 0 : ELLIPSIS.length));
  const content = breakMarkers(omitted > 0 ? `${kept}\n[${omitted} more characters cut]` : clean);
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(content) + 1));
  const info = /^[A-Za-z0-9_+-]{1,30}$/.test(lang) ? lang : '';
  return `${fence}${info}\n${content}\n${fence}` as Markdown;
}

/** Markdown we wrote ourselves (never alert or Azure text): headings, labels, our own links. */
export function literal(text: string): Markdown {
  return text as Markdown;
}

/**
 * A link we chose to add (a portal page, another incident): the label is untrusted text, the URL must be https on
 * one of `hosts`. Characters that could end the destination early are percent-encoded. A refused URL is a
 * programming error: build URLs from validated parts.
 */
export function link(label: string, url: string, hosts: readonly string[]): Markdown {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`markdown link: not a URL: ${JSON.stringify(url.slice(0, 100))}`);
  }
  if (parsed.protocol !== 'https:' || !hosts.includes(parsed.hostname) || parsed.username || parsed.password) {
    throw new Error(`markdown link: only https links to ${hosts.join(', ')} are allowed, not ${parsed.origin}`);
  }
  // `(`/`)`/space/`<`/`>` could end the destination, `\\` escapes, `"` starts a title, `|` splits a table cell.
  const href = parsed.href.replace(/[()<>"\\ |]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `[${inline(label)}](${href})` as Markdown;
}

/**
 * A GFM table. Headers are plain text (escaped here); cells are markdown from `inline`, `code(…, {table: true})`
 * or numbers. A cell with a line break or an unescaped pipe is a programming error (it would break the table).
 */
export function table(headers: readonly string[], rows: readonly (readonly (Markdown | number)[])[]): Markdown {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const out = [line(headers.map((h) => inline(h))), line(headers.map(() => '---'))];
  rows.forEach((row, r) => {
    if (row.length !== headers.length) {
      throw new Error(`markdown table: row ${r} has ${row.length} cells, the header has ${headers.length}`);
    }
    const cells = row.map((cell, c) => {
      const text = String(cell);
      if (/[\r\n]/.test(text) || /(^|[^\\])\|/.test(text)) {
        throw new Error(`markdown table: cell ${r}:${c} has a line break or an unescaped pipe; build it with inline()`);
      }
      return text === '' ? ' ' : text;
    });
    out.push(line(cells));
  });
  return out.join('\n') as Markdown;
}

/**
 * An issue title from untrusted text: one line, no invisible characters, references and mentions broken with
 * a zero-width space (titles are not markdown, so entities would show), cut to GitHub's limit.
 */
export function titleText(text: string, max = GITHUB_TITLE_MAX): string {
  const oneLine = cleanText(text).replace(/\s+/g, ' ').trim();
  return cut(
    oneLine.replace(/[@#]|GH-(?=\d)/gi, (m) => `${m}${ZWSP}`),
    max,
  );
}

export interface LimitOptions {
  /** Maximum body length (default GITHUB_BODY_MAX). */
  max?: number;
  /** Where the reader finds the full text, e.g. "The full findings are in the job summary of run 123." */
  fullTextHint?: string;
}

const FENCE_LINE = /^ {0,3}(`{3,}|~{3,})/;
const HEADING_LINE = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/;
const NOTE_SECTIONS_MAX = 10;

interface LineState {
  /** The heading this line is, when it is one (outside code). */
  heading?: string;
  /** The fence still open after this line. */
  openFence?: string;
}

function scanLines(lines: readonly string[]): LineState[] {
  let openFence: string | undefined;
  return lines.map((line) => {
    const fence = FENCE_LINE.exec(line)?.[1];
    if (openFence === undefined) {
      if (fence) openFence = fence;
      else {
        const heading = HEADING_LINE.exec(line)?.[1];
        if (heading !== undefined) return { heading };
      }
    } else if (fence && fence[0] === openFence[0] && fence.length >= openFence.length && line.trim() === fence) {
      openFence = undefined;
    }
    return openFence === undefined ? {} : { openFence };
  });
}

/**
 * The lines of a body that are outside fenced code (fence lines excluded). Our own labelled lines are read back
 * from these only: code blocks hold multi-line untrusted text, which can start a line with anything.
 */
export function linesOutsideCode(body: string): string[] {
  const lines = body.split(/\r?\n/);
  const states = scanLines(lines);
  return lines.filter((_, i) => states[i]?.openFence === undefined && states[i - 1]?.openFence === undefined);
}

/**
 * Cuts a whole body at a line boundary so it fits GitHub's limit, closes a code fence left open by the cut,
 * and ends with a note saying how much was cut and which sections were affected. Keep the hidden marker at
 * the top: the end is what gets cut.
 */
export function limitBody(body: string, options: LimitOptions = {}): string {
  const max = options.max ?? GITHUB_BODY_MAX;
  if (body.length <= max) return body;
  const lines = body.split('\n');
  const states = scanLines(lines);
  const headings = states.flatMap((s) => (s.heading === undefined ? [] : [s.heading]));
  // Room for the note in the worst case: every section named (one marked "partly"), the largest numbers.
  const reserve = note(body.length, lines.length, headings, max, options.fullTextHint).length + ' (partly)'.length + 2;
  let kept = 0;
  let length = -1; // no line break before the first line
  for (const [i, line] of lines.entries()) {
    const closing = states[i]?.openFence;
    const next = length + 1 + line.length;
    if (next + (closing ? closing.length + 1 : 0) > max - reserve) break;
    length = next;
    kept = i + 1;
  }
  if (kept === 0) throw new Error(`limitBody: max ${max} leaves no room for the first line and the note`);
  const keptText = lines.slice(0, kept).join('\n');
  const closing = states[kept - 1]?.openFence;
  const lastHeading = states
    .slice(0, kept)
    .flatMap((s) => (s.heading === undefined ? [] : [s.heading]))
    .at(-1);
  const cutHeadings = states.slice(kept).flatMap((s) => (s.heading === undefined ? [] : [s.heading]));
  const sections = lastHeading === undefined ? cutHeadings : [`${lastHeading} (partly)`, ...cutHeadings];
  const cutChars = body.length - keptText.length;
  const tail = note(cutChars, lines.length - kept, sections, max, options.fullTextHint);
  return `${keptText}${closing ? `\n${closing}` : ''}\n\n${tail}`;
}

function note(chars: number, lines: number, sections: readonly string[], max: number, hint?: string): string {
  const named = sections.slice(0, NOTE_SECTIONS_MAX).map((s) => inline(s, { max: 80 }));
  if (sections.length > NOTE_SECTIONS_MAX) named.push(literal(`and ${sections.length - NOTE_SECTIONS_MAX} more`));
  const where = named.length > 0 ? ` Sections cut: ${named.join(', ')}.` : '';
  const more = hint ? ` ${inline(hint, { max: 300 })}` : '';
  const limit = max.toLocaleString('en-US');
  return `> **Truncated:** ${chars} characters (${lines} lines) were cut to stay under the ${limit}-character limit of an issue body.${where}${more}`;
}
