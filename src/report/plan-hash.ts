// The one line of the issue body that names the plan a reviewer approves. The gated job reads it back, so it is
// written and parsed here together. Alert text can never forge it: inline values have no line breaks, and lines
// inside fenced code (the only place multi-line untrusted text goes) are not read.
import { linesOutsideCode } from './markdown.js';

const HASH = /^[0-9a-f]{64}$/;
const LINE = /^Plan SHA-256: `([0-9a-f]{64})`$/;

/** The labelled line for a plan hash (lower-case hex SHA-256). */
export function planHashLine(hash: string): string {
  if (!HASH.test(hash)) throw new Error(`planHashLine: '${hash.slice(0, 80)}' is not a lower-case hex SHA-256`);
  return `Plan SHA-256: \`${hash}\``;
}

/** The plan hash an issue body shows; undefined when there is none, or when lines disagree (never guess). */
export function findPlanHash(body: string): string | undefined {
  const found = new Set(linesOutsideCode(body).flatMap((line) => LINE.exec(line)?.[1] ?? []));
  return found.size === 1 ? [...found][0] : undefined;
}
