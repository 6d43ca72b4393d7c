// The comment on an incident issue when its alert fires again: what changed since the body it replaces.
import { bounded } from './budget.js';
import { impactKeyCells, impactKeyPrefix } from './impact.js';
import type { ReportInput } from './input.js';
import { inline, limitBody, linesOutsideCode } from './markdown.js';
import { findPlanHash } from './plan-hash.js';
import { plural } from './words.js';

const NEW_ROWS_SHOWN = 4_000;

function planLine(previousHash: string | undefined, hash: string): string {
  if (previousHash === hash) return `- **Plan:** unchanged (SHA-256 \`${hash}\`).`;
  if (previousHash === undefined) return `- **Plan:** SHA-256 is now \`${hash}\`.`;
  return `- **Plan changed:** SHA-256 \`${hash}\` (was \`${previousHash}\`). An approval of the old plan does not apply to this one.`;
}

function impactLines(previousBody: string, input: ReportInput): string[] {
  const impact = input.findings.impact;
  if (!impact) return [];
  if (impact.status === 'unknown') return [`- **Impact unknown:** ${inline(impact.reason, { max: 300 })}`];
  // Our own table lines outside code: alert text cannot start a line there, so it cannot fake an old row.
  const previous = linesOutsideCode(previousBody).filter((l) => l.startsWith('| '));
  const fresh = impact.rows.filter((row) => {
    const prefix = impactKeyPrefix(row);
    return !previous.some((line) => line.startsWith(prefix));
  });
  if (fresh.length === 0) return ['- **Impact:** no new object, version, operation or result since the last update.'];
  const shown = bounded(fresh, (r) => impactKeyCells(r).join(' '), NEW_ROWS_SHOWN).length;
  const rows = fresh.slice(0, shown).map((r) => {
    const [type, name, version, operation, result] = impactKeyCells(r);
    return `  - ${type} ${name} version ${version}: ${operation} ${result} × ${r.count}`;
  });
  const more = shown < fresh.length ? [`  - and ${fresh.length - shown} more (see the issue body)`] : [];
  return [`- **New in the impact** (${plural(fresh.length, 'row')} not in the previous body):`, ...rows, ...more];
}

/** A few lines on what changed; `previousBody` is the body of our own issue before this update. */
export function renderRefireComment(previousBody: string, input: ReportInput): string {
  const { alert } = input;
  const lines = [
    `**The alert fired again** (window ${inline(alert.startTime, { max: 40 })} → ${inline(alert.endTime, { max: 40 })}, status ${inline(alert.status, { max: 40 })}). The issue body now shows the new findings and plan.`,
    '',
    planLine(findPlanHash(previousBody), input.planSha256),
    ...impactLines(previousBody, input),
  ];
  return limitBody(lines.join('\n'));
}
