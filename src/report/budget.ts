// Lists from the alert or Azure can be arbitrarily long. Each is rendered within a character budget and says
// how much it left out, so the sections after it (the plan and its hash) stay within the issue body limit.
import { table, type Markdown } from './markdown.js';

export interface Budgets {
  /** Characters of the impact table's rows. */
  impactRows: number;
  /** Characters of any other list or table (role assignments, firewall rules, callers, secrets…). */
  list: number;
  /** Characters of a code block's content (the KQL text, the plan JSON). */
  codeBlock: number;
  /** Where the reader finds what a list left out, e.g. "the job summary has all of them". */
  whereFull: string;
  /** How a table row counts against its budget: characters for the issue, UTF-8 bytes for the job summary. */
  size: (text: string) => number;
}

/** The issue: small budgets so the plan hash stays far inside GitHub's 65,536-character body. */
export const ISSUE_BUDGETS: Budgets = {
  impactRows: 18_000,
  list: 3_000,
  codeBlock: 12_000,
  whereFull: 'the job summary of the triage run has all of them',
  size: (text) => text.length,
};

/** The job summary (1 MiB): room for the full findings, with the plan still inside the limit. */
export const SUMMARY_BUDGETS: Budgets = {
  impactRows: 600_000,
  list: 30_000,
  codeBlock: 60_000,
  whereFull: 'cut to fit the job summary',
  size: (text) => Buffer.byteLength(text, 'utf8'),
};

/**
 * The items that fit the budget, rendered (always the first one: each item is already cut to a bounded length).
 * Items after the budget is spent are never rendered.
 */
export function bounded<T, R = string>(
  items: readonly T[],
  render: (item: T) => R,
  budget: number,
  size: (rendered: R) => number = (r) => String(r).length + 1,
): R[] {
  const out: R[] = [];
  let used = 0;
  for (const item of items) {
    const rendered = render(item);
    const n = size(rendered);
    if (out.length > 0 && used + n > budget) break;
    out.push(rendered);
    used += n;
  }
  return out;
}

/** The note under a list that left items out (after a blank line); no lines when nothing was left out. */
export function leftOut(shown: number, total: number, budgets: Budgets, noun: string): string[] {
  return shown < total ? ['', `_Showing ${shown} of ${total} ${noun}; ${budgets.whereFull}._`] : [];
}

/** A table of the items that fit the budget (rendered lazily: a long list costs only what is shown). */
export function boundedTable<T>(
  headers: readonly string[],
  items: readonly T[],
  cells: (item: T) => (Markdown | number)[],
  budget: number,
  budgets: Budgets,
  noun: string,
): string[] {
  const rows = bounded(items, cells, budget, (row) => budgets.size(row.join(' | ')) + 4);
  return [table(headers, rows), ...leftOut(rows.length, items.length, budgets, noun)];
}
