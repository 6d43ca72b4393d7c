// Evaluates the action's own impact and caller queries over seeded audit records, without a KQL engine.
import type { AuditRecord, AuditTable } from './scenario.js';

export interface QueryTable {
  table: AuditTable;
  workspaceCustomerId: string;
  records: AuditRecord[];
}

export interface QueryResult {
  columns: { name: string; type: string }[];
  rows: unknown[][];
}

/** Undefined until src/impact/kql.ts (the action's query builder) exists: every query is refused. */
export function evaluateQuery(_text: string, _tables: QueryTable[]): QueryResult | undefined {
  return undefined;
}
