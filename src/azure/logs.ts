// Runs a query against a Log Analytics workspace and returns its rows as records, or why it could not.
import { LogsQueryClient, LogsQueryResultStatus, type LogsTable } from '@azure/monitor-query-logs';
import { errorMessage } from '../errors.js';
import type { AzureContext } from './context.js';

export type QueryRow = Record<string, unknown>;

export type QueryOutcome = { ok: true; rows: QueryRow[] } | { ok: false; reason: string };

export function logsClient(az: AzureContext): LogsQueryClient {
  return new LogsQueryClient(az.credential, {
    ...az.options,
    endpoint: az.cloud.logsEndpoint,
    // The audience option is ignored by this client; the scope must be given (FACTS §3).
    credentials: { scopes: [az.cloud.logsScope] },
  });
}

function toRows(table: LogsTable): QueryRow[] {
  const names = table.columnDescriptors.map((c) => c.name ?? '');
  return table.rows.map((row) => {
    const record: QueryRow = {};
    names.forEach((name, i) => {
      const cell = row[i];
      record[name] = cell instanceof Date ? cell.toISOString() : cell;
    });
    return record;
  });
}

/** A partial result is treated as a failure: impact measured on part of the data is not impact measured. */
export async function queryWorkspace(
  client: LogsQueryClient,
  workspaceId: string,
  query: string,
  timespan: { start: string; end: string },
): Promise<QueryOutcome> {
  try {
    const result = await client.queryWorkspace(workspaceId, query, {
      startTime: new Date(timespan.start),
      endTime: new Date(timespan.end),
    });
    if (result.status === LogsQueryResultStatus.Success) {
      return { ok: true, rows: result.tables[0] ? toRows(result.tables[0]) : [] };
    }
    if (result.status === LogsQueryResultStatus.PartialFailure) {
      return { ok: false, reason: `partial result from workspace ${workspaceId}: ${result.partialError.message}` };
    }
    return { ok: false, reason: `query failed in workspace ${workspaceId}` };
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    const why = status === 403 ? 'no permission to query it (needs Log Analytics Reader)' : errorMessage(error);
    return { ok: false, reason: `workspace ${workspaceId}: ${why}` };
  }
}
