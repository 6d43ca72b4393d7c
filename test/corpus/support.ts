// Shared by the corpus tests: loading cases with their expected outcome, building the generated (huge) inputs at
// test time, what "inert" means for a rendered issue, and where the figures for RELIABILITY.md go.
import { appendFileSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { linesOutsideCode } from '../../src/report/markdown.js';

export const CORPUS_DIR = dirname(fileURLToPath(import.meta.url));

export interface Expectation {
  /** The exact one-line message of the UserError. */
  error?: string;
  /** A regular expression the one-line message of the UserError must match. */
  errorMatch?: string;
  /** Accepted: these fields of the normalised alert (null: the field is absent). */
  alert?: Record<string, unknown>;
  /** Accepted with a warning matching this regular expression (a value dropped or replaced). */
  warningMatch?: string;
  /** Accepted: the live text of the issue body (outside code, where markdown acts) contains none of these. */
  rendered?: { mustNotContain?: string[] };
}

export interface Generator {
  kind: string;
  [param: string]: unknown;
}

export interface Case {
  note: string;
  expect: Expectation;
  /** Built at test time instead of read from `<case>.<ext>` (megabytes are not committed). */
  generate?: Generator;
}

export function loadCases(folder: 'alerts' | 'playbooks'): [string, Case][] {
  const manifest = JSON.parse(readFileSync(join(CORPUS_DIR, folder, 'cases.json'), 'utf8')) as Record<string, Case>;
  return Object.entries(manifest);
}

export function caseText(folder: 'alerts' | 'playbooks', name: string, ext: string): string {
  return readFileSync(join(CORPUS_DIR, folder, `${name}.${ext}`), 'utf8');
}

/** A one-line message: what the user sees as `error: …`. */
export function isOneLine(message: string): boolean {
  return !/[\r\n\u2028\u2029]/.test(message) && message.trim() === message && message.length > 0;
}

// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
/** The renderer's own collapsible sections (alert text cannot produce `<`: it is escaped as an entity). */
const RENDERER_TAGS = /<\/?(details|summary)>/g;
const ALLOWED_LINK = /^https:\/\/(portal\.azure\.com|github\.com)\//;

/** Removes inline code spans (rendered literally) from one line outside fenced code. */
function withoutCodeSpans(line: string): string {
  return line.replace(/(`+)(?!`)[\s\S]*?[^`]\1(?!`)/g, ' ');
}

/** The body's text outside fenced code and code spans: where mentions, links and HTML would act. */
export function liveText(body: string): string {
  return linesOutsideCode(body).map(withoutCodeSpans).join('\n');
}

/**
 * Why a rendered issue from hostile alert text is not inert (empty when it is): a mention, an issue reference,
 * an HTML tag, a link or image to an untrusted place, our marker syntax, a table with a wrong column count, or an
 * invisible / reordering character.
 */
export function renderingProblems(title: string, body: string): string[] {
  const problems: string[] = [];
  if (INVISIBLE.test(title)) problems.push('title: control or bidi character');
  if (/(^|[^\w\u200B])[@#]\w/.test(title.replace(/[@#]\u200B/g, ''))) problems.push('title: live mention or reference');
  if (INVISIBLE.test(body)) problems.push('body: control or bidi character');
  if (/<!--|-->/.test(body)) problems.push('body: marker syntax <!-- or -->');
  for (const line of liveText(body).split('\n')) {
    const show = JSON.stringify(line.slice(0, 120));
    if (/(^|[^\w`\\/])@[A-Za-z0-9]/.test(line)) problems.push(`body: mention in ${show}`);
    if (/(^|[^\w&\\])#\d|\bGH-\d|\w\/\w+#\d/i.test(line)) problems.push(`body: issue reference in ${show}`);
    if (/<\/?[A-Za-z!?]/.test(line.replace(RENDERER_TAGS, ''))) problems.push(`body: HTML tag in ${show}`);
    const unescaped = line.replace(/\\[\\`*_[\]|~#()!]/g, '_'); // backslash-escaped characters are literal
    for (const m of unescaped.matchAll(/!?\[[^\]]*\]\(([^)\s]*)/g)) {
      if (m[0].startsWith('!') || !ALLOWED_LINK.test(m[1] ?? '')) problems.push(`body: link or image to ${m[1]}`);
    }
    const bare = unescaped.replace(/\]\([^)\s]*\)/g, ' ');
    if (/\b[a-z][a-z0-9+.-]*:\/\/|\bwww\.[a-z0-9]/i.test(bare)) problems.push(`body: autolink in ${show}`);
  }
  problems.push(...tableProblems(body));
  return problems;
}

/** Every row of every table outside code has as many cells as its header. */
function tableProblems(body: string): string[] {
  const problems: string[] = [];
  const cells = (line: string) => line.replace(/\\\\/g, '').replace(/\\\|/g, '').split('|').length;
  let header: number | undefined;
  for (const line of linesOutsideCode(body)) {
    if (!line.startsWith('|')) {
      header = undefined;
      continue;
    }
    const count = cells(line);
    if (header === undefined) header = count;
    else if (count !== header)
      problems.push(`body: table row with ${count - 2} cells under a ${header - 2}-cell header`);
  }
  return problems;
}

/** Appends one suite's figures for RELIABILITY.md (only when `npm run reliability` asks for them). */
export function recordFigures(suite: string, figures: Record<string, unknown>): void {
  const file = process.env.KV_RELIABILITY_FIGURES;
  if (file) appendFileSync(file, `${JSON.stringify({ suite, ...figures })}\n`);
}
