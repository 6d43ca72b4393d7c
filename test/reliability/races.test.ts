// Races: runs that overlap, each a separate dist/index.js process as parallel workflow runs would be. The shipped
// workflow queues runs per alert (its concurrency group); these are what happens where that guard does not hold
// (a group key spelled differently by another alert form, a CLI run beside the workflow, a workflow without it).
// `npm test`: 3 concurrent triage runs and one run of each gated race; `npm run reliability`: 10 triage runs and
// the same gated races.
import { afterAll, describe, expect, it } from 'vitest';
import { rotationMarker, TAG_ALERT_ID } from '../../src/apply/rotate.js';
import { findPlanHash } from '../../src/report/plan-hash.js';
import { recordFigures } from '../corpus/support.js';
import { approve, runJob } from '../e2e/support.js';
import { leaks, RUN_BOUND_MS, scenario, triage, withSandbox, type RunResult, type Sandbox } from './support.js';

const FULL = process.env.KV_RELIABILITY === 'full';
const RUNS = FULL ? 10 : 3;
const VAULT = 'kv-payments-prod';
/** The secrets the scenario's caller read, and the version each read (the plan disables those). */
const READ: Record<string, string> = {
  'db-password': '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  'stripe-api-key': '1f1e2d3c4b5a69788796a5b4c3d2e1f0',
  'jwt-signing-secret': '2f1e2d3c4b5a69788796a5b4c3d2e1f0',
};
/** How long Key Vault holds the rotation's second secret write: longer than a whole triage run (about 10 s). */
const ROTATION_HOLD_MS = 30_000;

const figures: Record<string, unknown> = {};
afterAll(() => recordFigures('races', figures));

const openIssues = (s: Sandbox) => s.github.issues.filter((i) => i.state === 'open');
const versions = (s: Sandbox, name: string) => s.azure.vault(VAULT)!.secrets.get(name)!.versions;
const valuesNow = (s: Sandbox) => new Map(Object.keys(READ).map((n) => [n, versions(s, n).map((v) => v.value)]));
const errors = (r: RunResult) => r.annotations.filter((a) => a.level === 'error').map((a) => a.message);
const gateRecords = (s: Sandbox, gate: 'Remediate' | 'Rotate') =>
  s.github.comments.filter((c) => c.body.startsWith(`### ${gate} gate\n`));

/** Per secret the plan rotates: new versions since `before`, whether the last is enabled, the read version's state. */
function rotationState(s: Sandbox, before: Map<string, string[]>) {
  return Object.fromEntries(
    Object.entries(READ).map(([name, read]) => {
      const now = versions(s, name);
      return [
        name,
        {
          newVersions: now.length - before.get(name)!.length,
          currentEnabled: now.at(-1)!.enabled,
          readVersionDisabled: now.find((v) => v.version === read)?.enabled === false,
          nothingLost: before.get(name)!.every((value) => now.some((v) => v.value === value)),
        },
      ];
    }),
  );
}
/** New versions created and read versions disabled so far, over all planned secrets (0 to 6). */
function rotationProgress(s: Sandbox, before: Map<string, string[]>): number {
  return Object.values(rotationState(s, before)).reduce(
    (n, x) => n + Math.min(x.newVersions, 1) + (x.readVersionDisabled ? 1 : 0),
    0,
  );
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * Per secret: the current version was made for the alert and is the only enabled one made for it, the read version
 * is disabled, nothing is lost. (What two concurrent rotations of one plan converge to; see the rotate race.)
 */
function convergedState(s: Sandbox, before: Map<string, string[]>, alertId: string) {
  const marker = rotationMarker(alertId);
  return Object.fromEntries(
    Object.entries(READ).map(([name, read]) => {
      const now = versions(s, name);
      const ours = now.filter((v) => v.tags?.[TAG_ALERT_ID] === marker);
      return [
        name,
        {
          currentMadeForAlert: ours.includes(now.at(-1)!) && now.at(-1)!.enabled,
          enabledMadeForAlert: ours.filter((v) => v.enabled).length,
          readVersionDisabled: now.find((v) => v.version === read)?.enabled === false,
          nothingLost: before.get(name)!.every((value) => now.some((v) => v.value === value)),
        },
      ];
    }),
  );
}
const CONVERGED = Object.fromEntries(
  Object.keys(READ).map((n) => [
    n,
    { currentMadeForAlert: true, enabledMadeForAlert: 1, readVersionDisabled: true, nothingLost: true },
  ]),
);
const ROTATED_ONCE = Object.fromEntries(
  Object.keys(READ).map((n) => [
    n,
    { newVersions: 1, currentEnabled: true, readVersionDisabled: true, nothingLost: true },
  ]),
);

/**
 * A concurrent triage run is right when it either offers the plan the open issue shows (needs-* as its plan
 * says), or offers nothing (needs-* false) with a notice naming the issue: never a plan a gate would refuse.
 */
function triageVerdict(run: RunResult, issue: { number: number; body: string | null } | undefined): string {
  if (run.exitCode !== 0) return `exit ${run.exitCode}: ${errors(run).join(' | ')}`;
  if (!issue) return 'exit 0 without an open issue';
  const shown = findPlanHash(issue.body ?? '');
  const gates = new Set((JSON.parse(run.outputs.plan!) as { actions: { gate: string }[] }).actions.map((a) => a.gate));
  const needs = [run.outputs['needs-remediation'], run.outputs['needs-rotation']];
  const notices = run.annotations.filter((a) => a.level === 'notice').map((a) => a.message);
  if (run.outputs['plan-sha256'] === shown) {
    const planned = [String(gates.has('remediate')), String(gates.has('rotate'))];
    if (needs.join() !== planned.join()) return `owns the issue's plan but needs-* are ${needs.join()}`;
    return notices.length === 0 ? 'owns' : `owns the issue's plan but says ${notices.join(' | ')}`;
  }
  if (needs.join() !== 'false,false') return `offers plan ${run.outputs['plan-sha256']}, the issue shows ${shown}`;
  const said = notices.some((n) => n.includes(`issue #${issue.number} `) && /does not offer its plan/.test(n));
  return said ? 'withdrew' : 'offers nothing but says nothing';
}

interface PlannedAction {
  gate: string;
  kind: string;
  params: {
    after?: { defaultAction: string; bypass: string; ipRules: string[]; virtualNetworkRules: string[] };
    objectId?: string;
    mode?: 'remove' | 'restrict';
    accessPolicyAfter?: { permissions: Record<string, string[]> } | null;
    deleteRoleAssignments?: { id: string }[];
  };
}

/** Where the vault differs from the end state the plan's remediate actions describe (empty: exactly it). */
function plannedEndState(plan: { actions: PlannedAction[] }, s: Sandbox): { problems: string[] } {
  const vault = s.azure.vault(VAULT)!;
  const problems: string[] = [];
  const sorted = (xs: string[]) => [...xs].sort().join(',');
  for (const a of plan.actions.filter((x) => x.gate === 'remediate')) {
    const p = a.params;
    if (a.kind === 'firewall' && p.after) {
      const acls = vault.networkAcls;
      const now = [acls.defaultAction, acls.bypass, sorted(acls.ipRules.map((r) => r.value.replace(/\/32$/, '')))];
      const want = [p.after.defaultAction, p.after.bypass, sorted(p.after.ipRules.map((r) => r.replace(/\/32$/, '')))];
      if (now.join(' ') !== want.join(' ')) problems.push(`firewall is ${now.join(' ')}, planned ${want.join(' ')}`);
    }
    if (a.kind === 'revoke-access' && p.objectId) {
      const entry = vault.accessPolicies.find((x) => x.objectId === p.objectId);
      if (p.mode === 'remove' && entry) problems.push(`access policy of ${p.objectId} still there`);
      if (
        p.mode === 'restrict' &&
        JSON.stringify(entry?.permissions) !== JSON.stringify(p.accessPolicyAfter?.permissions)
      )
        problems.push(`access policy of ${p.objectId} is not the planned one`);
      for (const ra of p.deleteRoleAssignments ?? []) {
        const name = ra.id.split('/').at(-1)!.toLowerCase();
        if (s.azure.roleAssignments.some((x) => x.name.toLowerCase() === name))
          problems.push(`role assignment ${name} still there`);
      }
    }
  }
  return { problems };
}

/**
 * What a gate record says about the end state, comparable across records: per remediate action whether it holds
 * (applied or already-done), per rotated object the version that is the rotation.
 */
function recordedEndState(body: string): string[] {
  const said: string[] = [];
  for (const line of body.split('\n')) {
    // A result may read "applied by an earlier run" (the other run's change, found done).
    const action = /^\| `(remediate-[a-z0-9-]+)` \| ((?:applied|already-done|refused|failed|dry-run)[^|]*?) \|/.exec(
      line,
    );
    if (action) said.push(`${action[1]}: ${/^(applied|already-done)\b/.test(action[2]!) ? 'holds' : action[2]}`);
    const object = /^\| `rotate-[a-z0-9-]+` \| (\w+ [\w-]+) \| [a-z-]+ \| `([0-9a-f]{32})`/.exec(line);
    if (object) said.push(`${object[1]}: ${object[2]}`);
  }
  return said.sort();
}

/** Two records that name different versions: the later one names the kept versions and explains the others. */
function laterRecordExplains(records: string[]): boolean {
  if (records.length !== 2) return false;
  const [earlier, later] = records.map(recordedEndState) as [string[], string[]];
  return earlier
    .filter((said) => !later.includes(said))
    .every((said) => {
      const version = said.split(': ')[1]!;
      return records[1]!.includes(`version ${version} was also made for this alert`);
    });
}

describe('races: triage', () => {
  it(
    `${RUNS} concurrent triage runs for one alert: one open issue, and only the plan it shows is offered`,
    async () => {
      await withSandbox(scenario(), [], async (sandbox) => {
        const runs = await Promise.all(Array.from({ length: RUNS }, () => triage(sandbox, RUN_BOUND_MS * 2)));
        const open = openIssues(sandbox);
        const verdicts = runs.map((r) => triageVerdict(r, open.length === 1 ? open[0] : undefined));
        const shown = open.length === 1 ? findPlanHash(open[0]!.body ?? '') : undefined;
        const found = leaks(runs, sandbox);
        Object.assign(figures, {
          runs: RUNS,
          openIssues: open.length,
          duplicates: Math.max(0, open.length - 1),
          exitCodes: runs.map((r) => r.exitCode),
          outputHashNotOnOpenIssue: runs.filter((r) => r.outputs['plan-sha256'] !== shown).length,
          issueNumbersOutput: runs.map((r) => r.outputs['issue-number']),
          closedAsDuplicates: sandbox.github.issues.filter((i) => i.state === 'closed').length,
          comments: sandbox.github.comments.length,
          leaks: found,
          // F5: a run whose plan the issue does not show offers no gate and says so.
          ownIssuePlan: verdicts.filter((v) => v === 'owns').length,
          withdrewWithNotice: verdicts.filter((v) => v === 'withdrew').length,
          wrong: verdicts.filter((v) => v !== 'owns' && v !== 'withdrew'),
        });
        expect(open).toHaveLength(1);
        expect(verdicts.filter((v) => v !== 'owns' && v !== 'withdrew')).toEqual([]);
        expect(verdicts.filter((v) => v === 'owns').length).toBeGreaterThan(0);
        expect(found).toEqual([]);
      });
    },
    RUN_BOUND_MS * 3,
  );
});

// Independent sandboxes, run at once; after the triage race, so its 10 runs (full) do not share the cores with them.
describe.concurrent('races: gated', () => {
  it(
    'a re-fired alert during rotation: rotated once, one open issue showing the new plan, the rotation recorded against the plan it applied',
    async () => {
      // Key Vault holds the rotation's second secret write while the alert fires again and triage runs in full.
      const hold = {
        name: 'rotation-second-write',
        service: 'keyvault' as const,
        method: 'PUT',
        path: /^\/secrets\/[^/?]+\?/,
        nth: 2,
        fault: { kind: 'latency' as const, ms: ROTATION_HOLD_MS },
      };
      await withSandbox(scenario(), [hold], async (sandbox) => {
        const first = await triage(sandbox);
        expect([first.exitCode, ...errors(first)]).toEqual([0]);
        const plan = first.outputs.plan!;
        approve(sandbox, 'keyvault-remediation');
        const remediated = await runJob(sandbox, 'remediate', { plan });
        expect(errors(remediated)).toEqual([]);
        approve(sandbox, 'keyvault-rotation');
        const before = valuesNow(sandbox);
        const issue = () => sandbox.github.issues.find((i) => i.number === Number(first.outputs['issue-number']))!;

        let rotateEnded = false;
        const rotating = runJob(
          sandbox,
          'rotate',
          { plan },
          { timeoutMs: RUN_BOUND_MS * 2, env: { KV_ALERT_PLAYBOOK_CONCURRENCY: '1' } },
        ).finally(() => {
          rotateEnded = true;
        });
        // Mid-rotation: the gate was checked and the first secret has its new version.
        while (!rotateEnded && rotationProgress(sandbox, before) === 0) await sleep(100);
        const progressAtRefire = rotationProgress(sandbox, before);
        const refire = await triage(sandbox);
        const refireEndedFirst = !rotateEnded;
        const labelsAfterRefire = [...issue().labels];
        const rotated = await rotating;

        const state = rotationState(sandbox, before);
        const open = openIssues(sandbox);
        const records = gateRecords(sandbox, 'Rotate');
        const refireComments = sandbox.github.comments.filter((c) => c.body.startsWith('**The alert fired again**'));
        const shown = findPlanHash(issue().body ?? '');
        figures.refireDuringRotation = {
          rotationProgressAtRefire: progressAtRefire,
          refireEndedBeforeRotation: refireEndedFirst,
          exitCodes: {
            triage: first.exitCode,
            remediate: remediated.exitCode,
            rotate: rotated.exitCode,
            refire: refire.exitCode,
          },
          secrets: state,
          openIssues: open.length,
          issueState: issue().state,
          labelsAfterRefire,
          labelsAtEnd: [...issue().labels],
          refireComments: refireComments.length,
          rotateRecords: records.length,
          issueShows:
            shown === refire.outputs['plan-sha256']
              ? "the re-fire's plan"
              : shown === first.outputs['plan-sha256']
                ? 'the plan being rotated'
                : `another plan (${shown})`,
          refireNeeds: { remediation: refire.outputs['needs-remediation'], rotation: refire.outputs['needs-rotation'] },
          rotateRecord: records
            .at(-1)
            ?.body.split('\n')
            .filter((l) => /Plan|issue|closing|waiting/i.test(l)),
        };
        // The race happened: triage wrote the issue while the rotation was between its first and last write.
        expect(progressAtRefire).toBeGreaterThan(0);
        expect(refireEndedFirst).toBe(true);
        expect([first, remediated, rotated, refire].map(errors)).toEqual([[], [], [], []]);
        expect(state).toEqual(ROTATED_ONCE);
        expect(open).toHaveLength(1);
        expect(refireComments).toHaveLength(1);
        expect(shown).toBe(refire.outputs['plan-sha256']);
        // What a user sees: the issue open, showing the re-fire's plan and awaiting its approval; the rotation's
        // record says which plan it applied and that the issue now shows another.
        expect(issue().state).toBe('open');
        expect(issue().labels).toEqual(expect.arrayContaining(['triaged', 'rotated']));
        expect(issue().labels).not.toContain('resolved');
        expect(records).toHaveLength(1);
        expect(records[0]!.body).toContain(`**The issue now shows plan \`${shown}\`**`);
        expect(records[0]!.body).toContain(`Plan \`${first.outputs['plan-sha256']}\` (the hash the issue showed when`);

        // The re-fire's own gate, once approved, rotates nothing twice: the versions made for this alert stand.
        if (FULL && refire.outputs['needs-rotation'] === 'true') {
          const again = await runJob(sandbox, 'rotate', { plan: refire.outputs.plan! });
          (figures.refireDuringRotation as Record<string, unknown>).refirePlanRotate = {
            exitCode: again.exitCode,
            secrets: rotationState(sandbox, before),
            issueState: issue().state,
          };
          expect(errors(again)).toEqual([]);
          expect(rotationState(sandbox, before)).toEqual(ROTATED_ONCE);
        }
      });
    },
    RUN_BOUND_MS * 5,
  );
  const ENVIRONMENT = { remediate: 'keyvault-remediation', rotate: 'keyvault-rotation' } as const;
  const WRITE_LATENCY = {
    remediate: { service: 'arm', method: 'PATCH', path: /\/vaults\/[^/]+\?/, fault: { kind: 'latency', ms: 3_000 } },
    rotate: { service: 'keyvault', method: 'PUT', path: /^\/secrets\//, fault: { kind: 'latency', ms: 3_000 } },
  } as const;
  const concurrentGated: Record<string, unknown> = {};
  figures.concurrentGated = concurrentGated;
  for (const gate of ['remediate', 'rotate'] as const) {
    it(
      `two ${gate} runs of one approved plan at once: ${gate === 'remediate' ? 'the vault ends in the planned state' : 'one current version per secret made for the alert, any duplicate disabled'}; both succeed; their records agree or the later explains`,
      async () => {
        await withSandbox(scenario(), [], async (sandbox) => {
          const first = await triage(sandbox);
          expect([first.exitCode, ...errors(first)]).toEqual([0]);
          const plan = first.outputs.plan!;
          // The gate's writes answer late, so both runs read the vault before either change lands.
          sandbox.faults.add(WRITE_LATENCY[gate]);
          approve(sandbox, ENVIRONMENT[gate]);
          const before = valuesNow(sandbox);
          const runs = await Promise.all(
            [1, 2].map(() => runJob(sandbox, gate, { plan }, { timeoutMs: RUN_BOUND_MS * 2 })),
          );
          const title = gate === 'remediate' ? 'Remediate' : 'Rotate';
          const records = gateRecords(sandbox, title).map((c) => c.body);
          const statuses = runs.map((r) => (r.outputs.result ? JSON.parse(r.outputs.result).status : 'none'));
          const planned = plannedEndState(JSON.parse(plan), sandbox);
          const result: Record<string, unknown> = {
            exitCodes: runs.map((r) => r.exitCode),
            statuses,
            errors: runs.flatMap(errors),
            gateRecords: records.length,
            recordsAgree: records.every((b) => recordedEndState(b).join() === recordedEndState(records[0]!).join()),
            // When they differ: the later record names what the vault holds, and the versions only the earlier
            // one names are disabled duplicates the later one says it disabled.
            laterRecordExplains: laterRecordExplains(records),
            recordedEndState: records.map(recordedEndState),
            issueState: openIssues(sandbox).length === 1 ? 'open' : 'closed',
          };
          if (gate === 'remediate') {
            result.inPlannedState = planned.problems.length === 0;
            result.problems = planned.problems;
            // Both runs changed the vault (the race happened) rather than the second finding it done.
            result.bothApplied = records.filter((b) => /\| applied \|/.test(b)).length === 2;
          } else {
            result.secrets = convergedState(sandbox, before, JSON.parse(plan).alertId);
            // Versions made for the alert by each run (the race happened when both wrote one).
            result.versionsWrittenPerSecret = Object.fromEntries(
              Object.keys(READ).map((n) => [n, versions(sandbox, n).length - before.get(n)!.length]),
            );
          }
          concurrentGated[gate] = result;

          expect(runs.map((r) => r.exitCode)).toEqual([0, 0]);
          if (gate === 'remediate') expect(planned.problems).toEqual([]);
          // Key Vault has no conditional write, so two runs that both listed no version for the alert both write
          // one (recorded: versionsWrittenPerSecret). They converge: the newest stays current, the other is
          // disabled as a duplicate by whichever run sees both.
          else expect(convergedState(sandbox, before, JSON.parse(plan).alertId)).toEqual(CONVERGED);
          expect(records.length).toBeGreaterThan(0);
          expect(records.length).toBeLessThanOrEqual(2);
          expect(records.map(recordedEndState).every((said) => said.length > 0)).toBe(true);
          expect(result.recordsAgree || result.laterRecordExplains).toBe(true);
        });
      },
      RUN_BOUND_MS * 4,
    );
  }
});
