import { describe, expect, it } from 'vitest';
import type { Findings } from '../../src/findings/types.js';
import { planHash } from '../../src/plan/canonical.js';
import { renderIssue } from '../../src/report/issue.js';
import { securityAlertsUrl } from '../../src/report/links.js';
import { findPlanHash } from '../../src/report/plan-hash.js';
import { renderSummary, SUMMARY_MAX_BYTES } from '../../src/report/summary.js';
import { expectInert, hostileInput, PORTAL, row, tables, torInput } from './report-support.js';

type Measured = Extract<Findings['impact'], { status: 'measured' }>;

function withRows(rows: ReturnType<typeof row>[]) {
  const input = torInput();
  const impact = { ...(input.findings.impact as Measured), rows };
  return { ...input, findings: { ...input.findings, impact } };
}

const rowsIn = (md: string) => tables(md).find((t) => t.header.startsWith('| Object type |'))!.cells.length - 2;

describe('renderSummary', () => {
  const input = torInput();
  const summary = renderSummary(input);

  it('has the headline, every rule outcome, the findings and the plan with its hash', () => {
    expect(summary).toMatch(/^# Key Vault alert triage\n\n### Access from a TOR exit node to a key vault\n/);
    expect(summary).toContain('- **matched** `tor-exit-node`: type == KV\\_TORAccess holds');
    expect(summary).toContain("- not matched `catch-all`: not reached: rule 'tor-exit-node' matched");
    expect(summary).toContain('## Source');
    expect(rowsIn(summary)).toBe(4);
    expect(findPlanHash(summary)).toBe(input.planSha256);
    const json = /\n```json\n([\s\S]*?)\n```\n/.exec(summary)![1]!;
    expect(planHash(JSON.parse(json))).toBe(input.planSha256);
  });

  it("lists the vault's other callers, which the issue leaves to the lock-out guard", () => {
    expect(summary).toContain('### Other callers of the vault');
    const callers = tables(summary).find((t) => t.header.startsWith('| IP address | UPN or object id |'))!;
    expect(callers.cells).toEqual([6, 6, 6, 6]);
    expect(summary).toContain('| `192.0.2.44` | `ops@contoso.com` |');
    expect(renderIssue(input).body).not.toContain('### Other callers of the vault');
  });

  it('renders alert text inert, as the issue does', () => {
    expectInert(summary, {
      links: [
        'https://portal.azure.com/#@/resource/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-prod/providers/Microsoft.KeyVault/vaults/kv-prod',
        securityAlertsUrl(PORTAL),
        'https://github.com/contoso/infra/actions/runs/123456789',
      ],
    });
  });

  it('renders every hostile field inert and keeps its tables intact', () => {
    const hostile = hostileInput();
    const md = renderSummary(hostile);
    expectInert(md, { links: [securityAlertsUrl(PORTAL)] });
    for (const t of tables(md)) expect(new Set(t.cells).size, t.header).toBe(1);
    expect(findPlanHash(md)).toBe(hostile.planSha256);
  });

  it('holds the impact rows the issue body had to leave out', () => {
    const big = withRows(Array.from({ length: 3_000 }, (_, i) => row(`secret-${i}`, `v${i}`, 1)));
    const issueRows = rowsIn(renderIssue(big).body);
    const summaryRows = rowsIn(renderSummary(big));
    expect(issueRows).toBeLessThan(3_000);
    expect(summaryRows).toBe(3_000);
  });

  it('stays within the step summary limit in bytes, with multi-byte text, and says what it left out', () => {
    const wide = '漢字'.repeat(60);
    const big = withRows(Array.from({ length: 10_000 }, (_, i) => row(`${wide}-${i}`, wide, 1, { operation: wide })));
    const md = renderSummary(big);
    expect(Buffer.byteLength(md, 'utf8')).toBeLessThanOrEqual(SUMMARY_MAX_BYTES);
    expect(md).toMatch(/_Showing \d+ of 10000 rows; cut to fit the job summary\._|> \*\*Truncated:\*\*/);
    expect(findPlanHash(md)).toBe(big.planSha256);
  });
});
