// The Impact and Evidence sections: what the caller did to which objects (from the vault's logs), and how a
// reviewer re-runs the query and checks its result.
import type { Alert } from '../alert/types.js';
import type { CallerRow, ImpactFindings, ImpactRow } from '../findings/types.js';
import { bounded, boundedTable, type Budgets } from './budget.js';
import { securityAlertsUrl, vaultPortalUrl } from './links.js';
import { code, codeBlock, inline, type Markdown } from './markdown.js';
import { plural } from './words.js';

const IMPACT_HEADERS = ['Object type', 'Name', 'Version', 'Operation', 'Result', 'Count', 'First seen', 'Last seen'];

const dash = '—' as Markdown;
const optionalCode = (value: string) => (value ? code(value, { table: true, max: 120 }) : dash);

/** The cells that identify a row (type, name, version, operation, result); re-fire comments compare these. */
export function impactKeyCells(row: ImpactRow): Markdown[] {
  return [
    inline(row.objectType),
    optionalCode(row.objectName),
    optionalCode(row.objectVersion),
    inline(row.operation, { max: 80 }),
    inline(row.result, { max: 80 }),
  ];
}

/** A table line starting with the row's key cells, as `table` renders it. */
export function impactKeyPrefix(row: ImpactRow): string {
  return `| ${impactKeyCells(row).join(' | ')} | `;
}

function impactCells(row: ImpactRow): (Markdown | number)[] {
  return [...impactKeyCells(row), row.count, inline(row.firstSeen, { max: 40 }), inline(row.lastSeen, { max: 40 })];
}

const SUCCESS = new Set(['ok', 'success']);

export interface ImpactTotals {
  operations: number;
  denied: number;
  /** Distinct objects (type and name) the caller used successfully. */
  objects: number;
  /** Secret names read successfully. */
  secretsRead: string[];
}

export function impactTotals(rows: readonly ImpactRow[]): ImpactTotals {
  const objects = new Set<string>();
  const secrets = new Set<string>();
  let operations = 0;
  let denied = 0;
  for (const row of rows) {
    operations += row.count;
    if (!SUCCESS.has(row.result.toLowerCase())) {
      denied += row.count;
      continue;
    }
    if (row.objectName) objects.add(`${row.objectType}/${row.objectName}`);
    if (row.objectType === 'secret' && row.objectName && /Get$/.test(row.operation)) secrets.add(row.objectName);
  }
  return { operations, denied, objects: objects.size, secretsRead: [...secrets].sort() };
}

function window(span: { start: string; end: string }): string {
  return `${inline(span.start, { max: 40 })} → ${inline(span.end, { max: 40 })}`;
}

function reported(alert: Alert, budgets: Budgets): string[] {
  const ops = bounded(alert.operations, (o) => `${inline(o.name, { max: 80 })} × ${o.count}`, budgets.list);
  const targets = bounded(alert.targets, (t) => code(t, { max: 300 }), budgets.list);
  return [
    ops.length ? `- **Operations the alert reports:** ${ops.join(', ')}` : '',
    targets.length ? `- **Targets the alert names:** ${targets.join(', ')}` : '',
  ].filter(Boolean);
}

function callersTable(callers: readonly CallerRow[], budgets: Budgets): string[] {
  return boundedTable(
    ['IP address', 'UPN or object id', 'Application id', 'Requests', 'First seen', 'Last seen'],
    callers,
    (c) => [
      c.ip ? code(c.ip, { table: true, max: 60 }) : dash,
      c.upn ? code(c.upn, { table: true }) : c.objectId ? code(c.objectId, { table: true }) : dash,
      c.appId ? code(c.appId, { table: true }) : dash,
      c.count,
      inline(c.firstSeen, { max: 40 }),
      inline(c.lastSeen, { max: 40 }),
    ],
    budgets.list,
    budgets,
    'callers',
  );
}

export interface ImpactOptions {
  /** List the vault's other callers (the job summary does; the issue shows the firewall's lock-out guard instead). */
  callers: boolean;
}

export function renderImpact(
  alert: Alert,
  impact: ImpactFindings | undefined,
  budgets: Budgets,
  options: ImpactOptions,
): string {
  const head = ['## Impact', ''];
  if (!impact) {
    return [...head, 'Not measured: the matched rule has no measure-impact step.', ...reported(alert, budgets)].join(
      '\n',
    );
  }
  if (impact.status === 'unknown') {
    return [
      ...head,
      `**Impact unknown:** ${inline(impact.reason, { max: 600 })}`,
      '',
      `- **Window:** ${window(impact.timespan)}`,
      ...reported(alert, budgets),
      '',
      'Nothing is rotated from unknown impact unless the playbook asks for `scope: all`; see the checklist.',
    ].join('\n');
  }
  const totals = impactTotals(impact.rows);
  const lines = [
    ...head,
    `The caller made ${plural(totals.operations, 'request')} in ${plural(impact.rows.length, 'group')}; ${plural(totals.objects, 'object')} used successfully, ${plural(totals.denied, 'request')} denied or failed.`,
    '',
    `- **Window:** ${window(impact.evidence.timespan)}`,
    ...reported(alert, budgets),
    '',
    ...(impact.rows.length
      ? boundedTable(IMPACT_HEADERS, impact.rows, impactCells, budgets.impactRows, budgets, 'rows')
      : ['_The logs show no request by this caller in the window._']),
  ];
  if (options.callers) {
    lines.push('', '### Other callers of the vault', '');
    if (impact.callersUnavailable) lines.push(`Not listed: ${inline(impact.callersUnavailable, { max: 400 })}`);
    else if (impact.callers.length === 0) lines.push('_None in the look-back window._');
    else lines.push(...callersTable(impact.callers, budgets));
  } else if (impact.callersUnavailable) {
    lines.push(
      '',
      `**The vault's other callers could not be listed:** ${inline(impact.callersUnavailable, { max: 400 })}`,
    );
  }
  return lines.join('\n');
}

export function renderEvidence(
  alert: Alert,
  impact: ImpactFindings | undefined,
  portal: string,
  budgets: Budgets,
  runUrl?: string,
): string {
  const lines = ['## Evidence', ''];
  if (impact?.status === 'measured') {
    const e = impact.evidence;
    lines.push(
      `- **Log Analytics workspace:** ${code(e.workspaceId, { max: 300 })}`,
      `- **Time span:** ${window(e.timespan)}`,
      `- **Rows returned:** ${e.rowCount}`,
      `- **SHA-256 of the raw result:** ${code(e.resultSha256, { max: 80 })}`,
      '',
      '<details><summary>KQL query (run it in the workspace over the time span to check the result)</summary>',
      '',
      codeBlock(e.query, 'kusto', { max: budgets.codeBlock }),
      '',
      '</details>',
      '',
    );
  } else if (impact) {
    lines.push(
      `- **No query result:** ${inline(impact.reason, { max: 600 })}`,
      `- **Time span:** ${window(impact.timespan)}`,
    );
  } else {
    lines.push('- **No query:** the matched rule has no measure-impact step.');
  }
  const vaultUrl = vaultPortalUrl(portal, alert.vault.resourceId);
  lines.push(
    vaultUrl
      ? `- **Vault:** ${code(alert.vault.name, { max: 60 })}, [open it in the Azure portal](${vaultUrl})`
      : `- **Vault:** no portal link (the alert's vault resource id ${code(alert.vault.resourceId, { max: 300 })} is not a Key Vault id)`,
    `- **Alert:** id ${code(alert.id, { max: 300 })} in [Defender for Cloud security alerts](${securityAlertsUrl(portal)}) (form: ${inline(alert.form)})`,
  );
  if (runUrl) lines.push(`- **Triage run:** [job summary with the full findings](${runUrl})`);
  return lines.join('\n');
}
