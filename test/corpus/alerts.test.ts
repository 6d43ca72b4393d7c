// The alert corpus: every hostile or broken payload in test/corpus/alerts goes through the real intake and
// normaliser; an accepted one also through the KQL builder, the triage engine (no Azure) and the issue renderer.
// Each case states its outcome in cases.json: a specific one-line error, or an alert with these fields, rendered
// inert (no mention, reference, HTML, link, marker, broken table or invisible character).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { alertFromText } from '../../src/alert/intake.js';
import { normalizeAlert, type NormalizedAlert } from '../../src/alert/normalize.js';
import { UserError } from '../../src/errors.js';
import { buildImpactQuery, recognizeQuery } from '../../src/impact/kql.js';
import { loadPlaybook, type Playbook } from '../../src/playbook/index.js';
import { renderIssue } from '../../src/report/issue.js';
import { runTriage } from '../../src/triage/run.js';
import { PROJECT_ROOT } from '../sandbox/harness.js';
import {
  caseText,
  isOneLine,
  liveText,
  loadCases,
  recordFigures,
  renderingProblems,
  type Case,
  type Generator,
} from './support.js';

const PLAYBOOK_TEXT = readFileSync(join(PROJECT_ROOT, 'playbooks', 'default.yml'), 'utf8');
const loaded = loadPlaybook(PLAYBOOK_TEXT);
if (!loaded.ok) throw new Error('the bundled playbook does not load');
const PLAYBOOK: Playbook = loaded.playbook;
const NOW = new Date('2026-03-15T00:00:00Z');

const VAULT =
  '/subscriptions/5f2b9c1e-7a4d-4e8b-9c3f-2d1e0a9b8c7d/resourceGroups/rg-corpus/providers/Microsoft.KeyVault/vaults/kv-corpus';
const base = (): Record<string, unknown> => ({
  AlertType: 'KV_SuspiciousIPAccess',
  SystemAlertId: 'corpus-0001',
  Severity: 'Medium',
  StartTimeUtc: '2026-03-14T09:12:05Z',
  EndTimeUtc: '2026-03-14T09:47:31Z',
  AzureResourceId: VAULT,
  ExtendedProperties: { 'Attacker IP Address': '203.0.113.45' },
});

/** The inputs too large to commit, built from the case's parameters. */
function generate(g: Generator): string {
  const n = Number(g.count ?? g.length ?? g.depth);
  const alert = base();
  const ext = alert.ExtendedProperties as Record<string, unknown>;
  switch (g.kind) {
    case 'big-string-field':
      return JSON.stringify({ ...alert, [String(g.field)]: 'x'.repeat(n) });
    case 'deep-objects':
      return JSON.stringify(alert).replace(/}$/, `,"Deep":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}`);
    case 'deep-arrays':
      return JSON.stringify(alert).replace(/}$/, `,"Deep":${'['.repeat(n)}${']'.repeat(n)}}`);
    case 'many-entities':
      return JSON.stringify({ ...alert, Entities: Array.from({ length: n }, () => ({})) });
    case 'many-extended-keys':
      for (let i = 0; i < n; i++) ext[`k${i}`] = String(i);
      return JSON.stringify(alert);
    case 'many-operations':
      ext['Suspicious Operations'] = `[${Array.from({ length: n }, (_, i) => `Op${i}:${i}`).join(', ')}]`;
      return JSON.stringify(alert);
    case 'many-targets':
      ext.Target = Array.from({ length: n }, (_, i) => `https://kv-corpus.vault.azure.net/secrets/s${i}`).join(', ');
      return JSON.stringify(alert);
  }
  throw new Error(`corpus: unknown generator ${g.kind}`);
}

type Outcome = { kind: 'error'; message: string } | { kind: 'alert'; normalized: NormalizedAlert };

function intake(name: string, c: Case): Outcome {
  const text = c.generate ? generate(c.generate) : caseText('alerts', name, 'json');
  try {
    return { kind: 'alert', normalized: normalizeAlert(alertFromText(text, 'alert')) };
  } catch (error) {
    if (!(error instanceof UserError)) throw error; // a crash, not a refusal
    return { kind: 'error', message: error.message };
  }
}

function fieldValue(normalized: NormalizedAlert, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], normalized.alert);
}

/** The expected fields, flattened to dotted paths (`source: { ip: null }` → `source.ip`). */
function expectedFields(fields: Record<string, unknown>, prefix = ''): [string, unknown][] {
  return Object.entries(fields).flatMap(([k, v]) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? expectedFields(v as Record<string, unknown>, `${prefix}${k}.`)
      : [[`${prefix}${k}`, v] as [string, unknown]],
  );
}

const cases = loadCases('alerts');
let asExpected = 0;
let accepted = 0;

describe('alert corpus', () => {
  afterAll(() => {
    recordFigures('alerts', { tried: cases.length, asExpected, accepted, refused: cases.length - accepted });
  });

  it('holds at least 80 cases, each with a file or a generator', () => {
    expect(cases.length).toBeGreaterThanOrEqual(80);
  });

  it.each(cases)('%s', async (name, c) => {
    const outcome = intake(name, c);
    expect(Object.prototype).not.toHaveProperty('polluted');
    const want = c.expect;
    if (want.error !== undefined || want.errorMatch !== undefined) {
      expect(outcome.kind, `accepted: ${JSON.stringify(outcome)}`.slice(0, 500)).toBe('error');
      const message = (outcome as { message: string }).message;
      expect(isOneLine(message), message).toBe(true);
      if (want.error !== undefined) expect(message).toBe(want.error);
      if (want.errorMatch !== undefined) expect(message).toMatch(new RegExp(want.errorMatch));
      asExpected++;
      return;
    }
    if (outcome.kind === 'error') throw new Error(`refused: ${outcome.message}`);
    accepted++;
    const { normalized } = outcome;
    for (const [path, value] of expectedFields(want.alert ?? {})) {
      expect(fieldValue(normalized, path), path).toEqual(value === null ? undefined : value);
    }
    for (const warning of normalized.warnings) expect(isOneLine(warning), warning).toBe(true);
    if (want.warningMatch !== undefined) {
      expect(
        normalized.warnings.some((w) => new RegExp(want.warningMatch!).test(w)),
        normalized.warnings.join('\n'),
      ).toBe(true);
    }

    // The KQL builder quotes every accepted source value so that the query reads back as exactly these values.
    const { alert } = normalized;
    const suspect = { ip: alert.source.ip, objectId: alert.source.objectId, upn: alert.source.upn };
    const known = Object.fromEntries(Object.entries(suspect).filter(([, v]) => v !== undefined));
    if (Object.keys(known).length > 0) {
      const params = { vaultResourceId: alert.vault.resourceId, start: alert.startTime, end: alert.endTime, ...known };
      const recognized = recognizeQuery(buildImpactQuery(params));
      expect(recognized?.kind).toBe('impact');
      expect(recognized?.params).toMatchObject(known);
    }

    const outcomeOfTriage = await runTriage({ normalized, playbook: PLAYBOOK, playbookText: PLAYBOOK_TEXT, now: NOW });
    const issue = renderIssue({
      alert,
      findings: outcomeOfTriage.findings,
      plan: outcomeOfTriage.plan,
      planSha256: outcomeOfTriage.planSha256,
      match: outcomeOfTriage.match,
      owners: outcomeOfTriage.owners,
      cloud: { portal: 'https://portal.azure.com' },
      related: [],
    });
    expect(renderingProblems(issue.title, issue.body)).toEqual([]);
    expect(issue.title.length).toBeLessThanOrEqual(256);
    for (const text of want.rendered?.mustNotContain ?? []) {
      expect(liveText(issue.body)).not.toContain(text);
    }
    asExpected++;
  });
});

describe('the inertness check itself', () => {
  it.each([
    ['mention', 'hi @octocat'],
    ['issue reference', 'see #12'],
    ['HTML', 'x <img src=x>'],
    ['link', '[a](https://evil.example/)'],
    ['image', '![a](https://portal.azure.com/x.png)'],
    ['autolink', 'go to www.evil.example'],
    ['marker', '<!-- kv-alert-playbook alert-id="x" -->'],
    ['bidi', 'abc\u202Edef'],
    ['broken table', '| a | b |\n| --- | --- |\n| 1 | 2 | 3 |'],
  ])('flags a raw %s', (_kind, body) => {
    expect(renderingProblems('title', body)).not.toEqual([]);
  });
});
