import { describe, expect, it } from 'vitest';
import type { Findings } from '../../src/findings/types.js';
import { planHash } from '../../src/plan/canonical.js';
import type { Plan } from '../../src/plan/types.js';
import { renderRefireComment } from '../../src/report/comment.js';
import { renderIssue } from '../../src/report/issue.js';
import type { ReportInput } from '../../src/report/input.js';
import { safeRunUrl, securityAlertsUrl, vaultPortalUrl } from '../../src/report/links.js';
import { GITHUB_BODY_MAX, linesOutsideCode } from '../../src/report/markdown.js';
import { findPlanHash, planHashLine } from '../../src/report/plan-hash.js';
import {
  FAKE,
  H,
  hostileInput,
  INVISIBLE,
  expectInert,
  externalInput,
  PORTAL,
  row,
  tables,
  torInput,
  torPlan,
  userInput,
} from './report-support.js';

const VAULT_LINK =
  'https://portal.azure.com/#@/resource/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg-prod/providers/Microsoft.KeyVault/vaults/kv-prod';
const RUN_LINK = 'https://github.com/contoso/infra/actions/runs/123456789';
const OUR_LINKS = [VAULT_LINK, securityAlertsUrl(PORTAL), RUN_LINK];
/** What the issue adapter leaves for its hidden marker (src/github/issues.ts). */
const BODY_MAX = GITHUB_BODY_MAX - 200;

/** The section headings of a body, in order. */
const headings = (body: string) => linesOutsideCode(body).filter((l) => /^#{2,3} /.test(l));

/** The table whose header line starts with `start`. */
function tableAt(body: string, start: string) {
  const found = tables(body).find((t) => t.header.startsWith(start));
  if (!found) throw new Error(`no table starting ${start}`);
  return found;
}

/** The plan JSON shown in the body, parsed. */
function shownPlan(body: string): unknown {
  const m = /\n(`{3,})json\n([\s\S]*?)\n\1\n/.exec(body);
  if (!m) throw new Error('no plan JSON block');
  return JSON.parse(m[2]!);
}

describe('planHashLine / findPlanHash', () => {
  const hash = 'c'.repeat(64);

  it('reads back the line it writes, also from a CRLF body', () => {
    expect(findPlanHash(`# x\n\n${planHashLine(hash)}\n\nmore`)).toBe(hash);
    expect(findPlanHash(`# x\r\n${planHashLine(hash)}\r\nmore`)).toBe(hash);
  });

  it('refuses to write anything but a lower-case hex SHA-256', () => {
    expect(() => planHashLine('C'.repeat(64))).toThrow(/not a lower-case hex SHA-256/);
    expect(() => planHashLine(`${hash}\nPlan`)).toThrow();
  });

  it('ignores the line inside fenced code, quoted, indented or mid-line, and refuses two different hashes', () => {
    const fake = planHashLine('f'.repeat(64));
    expect(findPlanHash(`\`\`\`kusto\n${fake}\n\`\`\`\n${planHashLine(hash)}`)).toBe(hash);
    expect(findPlanHash(`> ${fake}\n  ${fake}\nsee ${fake}\n${planHashLine(hash)}`)).toBe(hash);
    expect(findPlanHash(`${fake}\n${planHashLine(hash)}`)).toBeUndefined();
    expect(findPlanHash('no hash here')).toBeUndefined();
  });
});

describe('links', () => {
  it('builds the vault link from a validated Key Vault id, every segment percent-encoded', () => {
    const id =
      '/SUBSCRIPTIONS/00000000-1111-2222-3333-444444444444/resourcegroups/rg(prod).ü/providers/microsoft.keyvault/vaults/Kv-1';
    expect(vaultPortalUrl('https://portal.azure.us', id)).toBe(
      'https://portal.azure.us/#@/resource/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/rg%28prod%29.%C3%BC/providers/Microsoft.KeyVault/vaults/Kv-1',
    );
    expect(vaultPortalUrl(PORTAL, `${VAULT_LINK.slice(PORTAL.length + 12)})[x](https://evil.example`)).toBeUndefined();
    expect(vaultPortalUrl(PORTAL, 'https://evil.example/vaults/kv')).toBeUndefined();
  });

  it('accepts only a plain https run URL', () => {
    expect(safeRunUrl('https://github.com/o/r/actions/runs/1')).toBe('https://github.com/o/r/actions/runs/1');
    expect(safeRunUrl('https://github.com/o/r)](javascript:alert(1))')).toBeUndefined();
    expect(safeRunUrl('javascript:alert(1)')).toBeUndefined();
  });
});

describe('renderIssue: TOR app caller reading three secrets', () => {
  const input = torInput();
  const issue = renderIssue(input);

  it('names the alert and the vault in the title, with the labels an incident needs', () => {
    expect(issue.title).toBe('Access from a TOR exit node to a key vault on kv-prod (KV_TORAccess)');
    expect(issue.labels).toEqual(['kv-alert', 'severity:Medium', 'vault:kv-prod', 'triaged', 'security', 'tor']);
  });

  it('has the sections in reading order and the plan hash the gated job checks', () => {
    expect(headings(issue.body)).toEqual([
      '### Access from a TOR exit node to a key vault',
      '## Source',
      '## Impact',
      '## Plan',
      '### Gate `remediate`',
      '### Gate `rotate`',
      '### Not planned',
      '## What only people can do',
      '## Evidence',
      '## Related open incidents',
    ]);
    expect(findPlanHash(issue.body)).toBe(input.planSha256);
  });

  it('shows the impact rows per object, version and operation', () => {
    const impact = tableAt(issue.body, '| Object type |');
    expect(impact.cells).toEqual([8, 8, 8, 8, 8, 8]);
    expect(issue.body).toContain(
      '| secret | `db-password` | `0a1b2c3d4e5f60718293a4b5c6d7e8f9` | SecretGet | OK | 4 | 2026-11-29T10:02:11Z | 2026-11-29T10:41:07Z |',
    );
    expect(issue.body).toContain('| vault | — | — | SecretList | OK | 1 |');
  });

  it('shows the firewall before and after, the lock-out guard and the skipped range', () => {
    expect(issue.body).toContain('| Default action | Allow | Deny |');
    expect(issue.body).toContain('- **IP rules added:** `203.0.113.0/24`, `198.51.100.10`');
    expect(issue.body).toContain('**Lock-out guard: 1 caller seen in the look-back window would be cut off.**');
    expect(issue.body).toContain('| `192.0.2.44` | 3 | 2026-11-27T16:00:00Z |');
    expect(issue.body).toContain('`2001:db8::/32` (Key Vault firewall rules accept IPv4 only)');
  });

  it('shows the access removal and the secrets with the versions to disable', () => {
    expect(issue.body).toContain('Remove the access-policy entry of object id `1a2b3c4d-0000-4000-8000-0000000000b2`.');
    expect(issue.body).toContain('| secrets | get, list | entry removed |');
    expect(issue.body).toContain('| `api-key` | `9f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e` |');
    expect(issue.body).toContain('| rotate-keys | tor-exit-node | the caller read no key in the window |');
  });

  it('shows the plan as JSON that hashes to the plan SHA-256', () => {
    expect(planHash(shownPlan(issue.body))).toBe(input.planSha256);
  });

  it('lists what only people can do, notifies the owners and links the vault, the alert and the run', () => {
    expect(issue.body).toContain('- [ ] **Contact the owner** of object id `1a2b3c4d-0000-4000-8000-0000000000b2`');
    expect(issue.body).toContain('- [ ] **Ask the Entra ID administrator**');
    expect(issue.body).toContain('accept `api-key`, `db-password`, `storage-conn`');
    expect(issue.body).toContain('- [ ] **Rotate `storage-conn` at its source:**');
    expect(issue.body).not.toContain('inherited role assignment');
    expect(issue.body).toContain('**Notified:** @contoso/kv-owners @alice');
    expect(issue.body).toContain(`[open it in the Azure portal](${VAULT_LINK})`);
    expect(issue.body).toContain('```kusto\nlet start');
    expect(issue.body).toContain('- #41 Unusual application');
    expectInert(issue.body, {
      links: OUR_LINKS,
      trustedPrefixes: [/^\*\*Notified:\*\* @contoso\/kv-owners @alice$/, /^- #41 /],
    });
  });

  it('marks a simulated alert in the labels and the body', () => {
    const simulated = renderIssue({ ...input, alert: { ...input.alert, simulated: true } });
    expect(simulated.labels).toContain('simulated');
    expect(simulated.body).toContain('A simulated (sample) alert');
  });
});

describe('renderIssue: user caller on an RBAC vault', () => {
  const input = userInput();
  const { body } = renderIssue(input);

  it('names the UPN and lists vault-scope and inherited role assignments separately', () => {
    expect(body).toContain('- **UPN:** `mallory@contoso.com`');
    expect(body).toContain('- **Role assignments at the vault scope** (1):');
    expect(body).toContain(
      '- **Inherited role assignments** (resource group or subscription scope; not changed by this action, 1):',
    );
    expect(
      tables(body)
        .filter((t) => t.header.startsWith('| Role |'))
        .map((t) => t.cells),
    ).toEqual([
      [3, 3, 3],
      [3, 3, 3],
      [3, 3, 3],
    ]);
    expect(body).toContain('Delete 1 role assignment of object id');
    expect(body).toContain("**a different tenant from the vault's**");
    expect(body).toContain('a Microsoft/Azure address does not make the caller yours');
  });

  it('asks the admins for what the action cannot do', () => {
    expect(body).toContain('- [ ] **Contact the owner** of user `mallory@contoso.com`');
    expect(body).toContain('- [ ] **Ask the Entra ID administrator** whether user `mallory@contoso.com`');
    expect(body).toContain(
      '- [ ] **Ask the subscription or resource-group administrator** to review the 1 inherited role assignment',
    );
    expect(body).toContain('- [ ] **Find out why a principal of another tenant has access**');
    expect(body).toContain('Nothing planned for this gate.');
    expect(findPlanHash(body)).toBe(input.planSha256);
  });
});

describe('renderIssue: external caller with unknown impact', () => {
  const input = externalInput();
  const { body } = renderIssue(input);

  it('says the impact is unknown and why, and plans nothing from it', () => {
    expect(body).toContain('**Impact unknown:** the vault has no diagnostic settings');
    expect(body).not.toContain('| Object type |');
    expect(tableAt(body, '| Step |').cells).toEqual([3, 3, 3, 3]);
    expect(body).toContain("**Lock-out guard: the vault's recent callers are unknown**");
    expect(body).toContain('- **No query result:** the vault has no diagnostic settings');
    expect(body).toContain('- workspace: the vault has no diagnostic settings sending AuditEvent to a workspace');
  });

  it('has no Entra item for a caller without an identity, and asks for the impact by hand', () => {
    expect(body).toContain('- **Caller kind:** a caller with no Entra object id');
    expect(body).toContain('- [ ] **Contact the owner** of IP address `45.95.147.236`');
    expect(body).not.toContain('Entra ID administrator');
    expect(body).toContain('- [ ] **Measure the impact by hand:**');
    expect(findPlanHash(body)).toBe(input.planSha256);
  });
});

describe('renderIssue: hostile text in every alert- and Azure-sourced field', () => {
  const input = hostileInput();
  const issue = renderIssue(input);

  it('renders the body inert: no mention, reference, HTML, link, image, comment or invisible character', () => {
    expectInert(issue.body, {
      links: [securityAlertsUrl(PORTAL)],
      trustedPrefixes: [/^\*\*Notified:\*\* @contoso\/kv-owners /, /^- #7 /],
    });
    expect(issue.body).toContain('octocat'); // shown, not dropped
    expect(issue.body).toContain('no portal link');
  });

  it('keeps every table intact', () => {
    const all = tables(issue.body);
    expect(all.length).toBeGreaterThanOrEqual(8);
    for (const t of all) expect(new Set(t.cells).size, t.header).toBe(1);
    expect(tableAt(issue.body, '| Object type |').cells).toEqual([8, 8, 8, 8]);
  });

  it('finds the real plan hash, not the forged line from the alert or the query', () => {
    expect(issue.body).toContain(planHashLine(FAKE)); // inside the KQL block, where it is not read
    expect(findPlanHash(issue.body)).toBe(input.planSha256);
  });

  it('keeps the title one inert line and the labels within GitHub rules', () => {
    expect(issue.title.length).toBeLessThanOrEqual(256);
    expect(issue.title).not.toMatch(/[\r\n\t]/);
    expect(issue.title).not.toMatch(INVISIBLE);
    expect(issue.title).not.toMatch(/@[A-Za-z0-9]|#\d/);
    for (const label of issue.labels) {
      expect(label.length).toBeLessThanOrEqual(50);
      expect(label).not.toMatch(/[,\r\n\t]/);
      expect(label).not.toMatch(INVISIBLE);
    }
    expect(issue.labels.filter((l) => l.startsWith('vault:'))).toHaveLength(1);
  });

  it('shows the plan JSON as exactly the plan, whatever its strings hold', () => {
    const plan: Plan = { ...torPlan(), alertId: 'kv-alert-playbook <!-- x --> \u202Eevil 😀 ```' };
    const body = renderIssue({ ...torInput(), plan, planSha256: planHash(plan) }).body;
    expect(planHash(shownPlan(body))).toBe(planHash(plan));
  });
});

describe('renderIssue: size', () => {
  it('stays under the body limit with 10,000 impact rows and says the table was cut', () => {
    const input = torInput();
    const rows = Array.from({ length: 10_000 }, (_, i) => row(`secret-${String(i).padStart(5, '0')}`, `v${i}`, i + 1));
    const impact = { ...(input.findings.impact as Extract<Findings['impact'], { status: 'measured' }>), rows };
    const { body } = renderIssue({ ...input, findings: { ...input.findings, impact } });
    expect(body.length).toBeLessThanOrEqual(BODY_MAX);
    expect(body).toMatch(/_Showing \d+ of 10000 rows; the job summary of the triage run has all of them\._/);
    const table = tableAt(body, '| Object type |');
    expect(new Set(table.cells)).toEqual(new Set([8]));
    expect(findPlanHash(body)).toBe(input.planSha256);
  });

  it('cuts the end of a body with everything at its largest, keeps the plan hash, and says what was cut', () => {
    const input = hostileInput();
    const many = <T>(n: number, make: (i: number) => T) => Array.from({ length: n }, (_, i) => make(i));
    const big = H.repeat(3);
    const findings = input.findings;
    const impact = findings.impact as Extract<Findings['impact'], { status: 'measured' }>;
    const huge: ReportInput = {
      ...input,
      findings: {
        source: {
          ...findings.source,
          unavailable: many(2_000, () => ({ what: big, reason: big })),
        },
        impact: {
          ...impact,
          evidence: { ...impact.evidence, query: big.repeat(2_000) },
          rows: many(10_000, () => row(big, big, 1, { operation: big, result: big })),
        },
      },
      plan: {
        ...input.plan,
        notPlanned: many(2_000, () => ({ step: big, rule: big, reason: big })),
      },
      related: many(2_000, (i) => ({ number: i + 1, title: big })),
    };
    const { body } = renderIssue(huge);
    expect(body.length).toBeLessThanOrEqual(BODY_MAX);
    expect(body).toMatch(/> \*\*Truncated:\*\* \d+ characters/);
    expect(findPlanHash(body)).toBe(input.planSha256);
  });
});

describe('renderRefireComment', () => {
  it('says the plan changed and lists only the new impact rows', () => {
    const before = torInput();
    const previous = renderIssue(before).body;
    const impact = before.findings.impact as Extract<Findings['impact'], { status: 'measured' }>;
    const after: ReportInput = {
      ...before,
      findings: {
        ...before.findings,
        impact: {
          ...impact,
          rows: [...impact.rows.map((r) => ({ ...r, count: r.count + 1 })), row('new-secret', 'v7', 2)],
        },
      },
      planSha256: 'd'.repeat(64),
    };
    const comment = renderRefireComment(previous, after);
    expect(comment).toContain(`- **Plan changed:** SHA-256 \`${'d'.repeat(64)}\` (was \`${before.planSha256}\`)`);
    expect(comment).toContain('- **New in the impact** (1 row not in the previous body):');
    expect(comment).toContain('`new-secret`');
    expect(comment).not.toContain('`db-password`');
  });

  it('says nothing changed when nothing did', () => {
    const input = torInput();
    const comment = renderRefireComment(renderIssue(input).body, input);
    expect(comment).toContain(`- **Plan:** unchanged (SHA-256 \`${input.planSha256}\`).`);
    expect(comment).toContain('- **Impact:** no new object, version, operation or result since the last update.');
  });

  it('is inert with hostile alert text, and a forged row in the old query does not hide a new row', () => {
    const input = hostileInput();
    const newRow = row('fresh', 'v1', 1);
    const prefix = `| secret | \`fresh\` | \`v1\` | SecretGet | OK | `;
    const previous = `${renderIssue(input).body}\n\n\`\`\`kusto\n${prefix}1 | a | b |\n\`\`\``;
    const impact = input.findings.impact as Extract<Findings['impact'], { status: 'measured' }>;
    const comment = renderRefireComment(previous, {
      ...input,
      findings: { ...input.findings, impact: { ...impact, rows: [newRow] } },
    });
    expect(comment).toContain('`fresh`');
    expectInert(comment, { links: [] });
  });
});
