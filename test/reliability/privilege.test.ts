// Least privilege with the sandbox's permission model: triage needs only read roles (Reader on the vault, Log
// Analytics Reader on the workspace, Security Reader on the subscription); an identity without them gets a
// clear message, or a finding, that names the missing permission. No secret or token in anything written.
import { afterAll, describe, expect, it } from 'vitest';
import { recordFigures } from '../corpus/support.js';
import type { SandboxScenario } from '../sandbox/scenario.js';
import { leaks, responder, scenario, triage, verdict, withSandbox } from './support.js';

const READ_ONLY = new Set(['Reader', 'Log Analytics Reader', 'Security Reader']);

/** The responder keeps only the roles `keep` allows; every other principal keeps its own. */
function withResponderRoles(keep: (role: string) => boolean): SandboxScenario {
  return scenario((s) => {
    const self = responder(s).objectId;
    s.azure.roleAssignments = (s.azure.roleAssignments ?? []).filter((a) => a.principalId !== self || keep(a.role));
  });
}

const outcomes: Record<string, string> = {};

describe('least privilege: triage', () => {
  afterAll(() => recordFigures('privilege', { outcomes }));

  it('works with the read-only roles alone and plans the changes for the gated jobs', async () => {
    await withSandbox(
      withResponderRoles((r) => READ_ONLY.has(r)),
      [],
      async (sandbox) => {
        const run = await triage(sandbox);
        const v = verdict(run, sandbox);
        outcomes['read-only roles'] = v.kind;
        expect(v).toEqual({ kind: 'completed' });
        const body = sandbox.github.issues[0]!.body ?? '';
        expect(body).toContain('db-password'); // the impact was measured with Log Analytics Reader
        expect(run.outputs['needs-remediation']).toBe('true');
        expect(leaks([run], sandbox)).toEqual([]);
        const writes = run.requests.filter(
          (r) => r.service !== 'github' && r.service !== 'entra' && r.method !== 'GET',
        );
        expect(writes.map((r) => `${r.method} ${r.path}`).filter((p) => !/\/query$/.test(p))).toEqual([]);
      },
    );
  }, 120_000);

  // Security Reader on the subscription carries */read (vault and workspace reads included), so each case
  // below drops it too: otherwise it would stand in for the role the case removes.
  it.each([
    [
      'only Reader on the vault',
      (r: string) => r === 'Reader',
      /Log Analytics Reader|Microsoft\.OperationalInsights\/workspaces\/(query\/)?read/,
    ],
    [
      'only Log Analytics Reader',
      (r: string) => r === 'Log Analytics Reader',
      /\bReader\b|Microsoft\.KeyVault\/vaults\/read/,
    ],
    ['no roles at all', () => false, /\bReader\b|Microsoft\.KeyVault\/vaults\/read/],
  ])(
    '%s: the run names the missing permission',
    async (label, keep, names) => {
      await withSandbox(withResponderRoles(keep), [], async (sandbox) => {
        const run = await triage(sandbox);
        const v = verdict(run, sandbox);
        const said = v.kind === 'failed-clearly' ? v.message : (sandbox.github.issues[0]?.body ?? '') + run.summary;
        const lines = said.split('\n').filter((l) => /permission|authori[sz]|forbidden|denied|\bReader\b|403/i.test(l));
        const named = lines.find((l) => /does not have authori[sz]ation|missing permission/i.test(l)) ?? lines[0] ?? '';
        outcomes[label] = `${v.kind}: ${named.trim().slice(0, 400)}`;
        expect(v.kind).toMatch(/^(completed|failed-clearly)$/);
        expect(lines.join('\n')).toMatch(names);
        expect(leaks([run], sandbox)).toEqual([]);
      });
    },
    120_000,
  );
});
