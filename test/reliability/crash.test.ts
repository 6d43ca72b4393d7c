// Crash and resume: the remediate and the rotate job, run through dist/index.js against the sandbox, are killed
// with SIGKILL (as a cancelled runner is) at seeded moments, then run again. The re-run must converge to the
// planned end state: nothing lost, nothing rotated twice, the temporary runner firewall rule gone, no two
// records on the issue that contradict each other, and every change on the issue (one the killed run made and
// never recorded is on the re-run's comment). Key Vault and ARM answer slowly so the kills land between the
// job's writes; the figures count how many did. Each seed has its own sandbox, so seeds run concurrently.
// `npm test` runs 3 seeds per mode; KV_RELIABILITY=full (`npm run reliability`) runs 50; KV_CRASH_SEEDS overrides.
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { TAG_ALERT_ID, rotationMarker } from '../../src/apply/rotate.js';
import { TAG_TEMPORARY_RULE } from '../../src/apply/firewall-exception.js';
import type { RoleAssignment } from '../../src/findings/types.js';
import type { FirewallAction, Plan } from '../../src/plan/types.js';
import { recordFigures } from '../corpus/support.js';
import { approve, openIncident, responder, runJob, torPlan } from '../e2e/support.js';
import { roleDefinitionId } from '../sandbox/azure/roles.js';
import { seededRandom } from '../sandbox/core/index.js';
import type { RunResult } from '../sandbox/harness.js';
import { loadScenario, startSandbox, type FaultRule, type Sandbox } from '../sandbox/index.js';
import { FIREWALL_ON, OPEN_FIREWALL, rotateReadSecrets, secretsRead } from '../support/plans.js';

const FULL = process.env.KV_RELIABILITY === 'full';
const SEEDS = Number(process.env.KV_CRASH_SEEDS ?? (FULL ? 50 : 3));
const scenario = loadScenario('tor-reads-three-secrets');
const VAULT = 'kv-payments-prod';
/** The caller the alert names; its vault-scope role assignment is the access the remediate plan removes. */
const CALLER = scenario.azure.identities!.find((i) => i.displayName === 'payments-batch')!.objectId;
/** After remediation the firewall allows only the known caller; the GitHub-hosted runner is elsewhere. */
const RUNNER_ADDRESS = '192.0.2.200';
const READ: Record<string, string> = {
  'db-password': '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
  'stripe-api-key': '1f1e2d3c4b5a69788796a5b4c3d2e1f0',
  'jwt-signing-secret': '2f1e2d3c4b5a69788796a5b4c3d2e1f0',
};
const MARKER = rotationMarker(scenario.azure.alerts![0]!.name);
/** One object at a time, so the work has many moments between writes. */
const SEQUENTIAL = { KV_ALERT_PLAYBOOK_CONCURRENCY: '1' };
/** How the re-run's comment records a temporary runner rule a killed run left (after the rule itself). */
const RULE_LEFT_REMOVED =
  "for the runner's address, left on the vault by an earlier run that was stopped, was removed.";
const KILLER = fileURLToPath(new URL('./crash-kill.mjs', import.meta.url));

const latency = (ms: number): FaultRule[] => [
  { service: 'arm', fault: { kind: 'latency', ms } },
  { service: 'keyvault', fault: { kind: 'latency', ms } },
];

const ROTATE_ACTION = rotateReadSecrets(READ);
const SECRETS_READ = secretsRead(READ);

const callerAssignmentState = (s: Sandbox) =>
  s.azure.roleAssignments.find((r) => r.principalId === CALLER && r.scope.endsWith(`/vaults/${VAULT}`))!;

/** The caller's vault-scope role assignment as triage reports it (its name is random per sandbox). */
function callerAssignment(s: Sandbox): RoleAssignment {
  const a = callerAssignmentState(s);
  return {
    id: `${a.scope}/providers/Microsoft.Authorization/roleAssignments/${a.name}`,
    principalId: a.principalId,
    roleDefinitionId: roleDefinitionId(scenario.azure.subscriptionId, a.role),
    roleName: a.role,
    scope: a.scope,
  };
}

const vault = (s: Sandbox) => s.azure.vault(VAULT)!;
const runnerRuleStands = (s: Sandbox) => vault(s).networkAcls.ipRules.some((r) => r.value.startsWith(RUNNER_ADDRESS));
const rules = (s: Sandbox) => {
  const acls = vault(s).networkAcls;
  return {
    defaultAction: acls.defaultAction,
    bypass: acls.bypass,
    ipRules: acls.ipRules.map((r) => r.value.replace(/\/32$/, '')).sort(),
    virtualNetworkRules: acls.virtualNetworkRules.map((r) => r.id),
  };
};
const assignmentKey = (a: { scope: string; name: string }) => `${a.scope}/${a.name}`;
const assignmentIds = (s: Sandbox) => s.azure.roleAssignments.map(assignmentKey).sort();
const firewallAfter = (FIREWALL_ON as FirewallAction).params.after;
/** FIREWALL_ON's end state in the form `rules` reads the vault. */
const PLANNED_RULES = {
  defaultAction: firewallAfter.defaultAction,
  bypass: firewallAfter.bypass,
  ipRules: [...firewallAfter.ipRules].sort(),
  virtualNetworkRules: firewallAfter.virtualNetworkRules,
};

/** The gate comments on the incident issue, oldest first. */
const gateComments = (s: Sandbox, gate: 'Remediate' | 'Rotate') =>
  s.github.comments.filter((c) => c.body.startsWith(`### ${gate} gate\n`)).map((c) => c.body);

/** Rows of a gate comment's tables: the cells of each line that starts with an action id. */
const rows = (comment: string) =>
  comment
    .split('\n')
    .filter((l) => l.startsWith('| `'))
    .map((l) =>
      l
        .slice(1, -1)
        .split(' | ')
        .map((c) => c.trim().replace(/^`|`$/g, '')),
    );

/** Requests the fakes received but have not answered yet (latency): writes a killed job sent can still land. */
async function settled(s: Sandbox): Promise<void> {
  for (let i = 0; i < 200 && s.requests.some((r) => r.status === 0 && !r.fault); i++) {
    await new Promise((r) => setTimeout(r, 25));
  }
}

interface SeedOutcome {
  /** Steps of the work the killed run completed, of `total`. */
  progress: number;
  total: number;
  converged: boolean;
  /** Remediate: role assignments the plan did not name that are gone. Rotate: previous secret values gone. */
  lost: number;
  /** Rotate: secrets with more than one version created for the alert. */
  rotatedTwice: number;
  /** Gate comments on the issue (the killed run's, if it got that far, and the re-run's). */
  comments: number;
  /** Two comments that both say an action applied a change (or created a version) for the same thing. */
  contradictory: number;
  /**
   * Changes no gate comment records: the killed run made them and died before its comment; the re-run found them
   * done. Remediate: actions never shown as applied (with before/after). Rotate: read versions never shown disabled.
   */
  unrecorded: number;
  /** Rotate: the kill left the temporary firewall rule in the vault. */
  ruleLeftByKill: boolean;
  /** Rotate: the kill left the rule and no gate comment says it was removed. */
  ruleUnrecorded: boolean;
}

interface Mode {
  name: 'remediate' | 'rotate';
  title: 'Remediate' | 'Rotate';
  environment: string;
  faults: FaultRule[];
  /** Puts the vault in the mode's start state and returns the plan. */
  setup(s: Sandbox): Plan;
  /** How many of the work's steps hold now. */
  progress(s: Sandbox, start: Start): number;
  total: number;
  /** What is wrong with the end state (empty: converged), plus the counts the figures keep. */
  check(
    s: Sandbox,
    start: Start,
  ): Omit<SeedOutcome, 'progress' | 'total' | 'ruleLeftByKill' | 'ruleUnrecorded' | 'converged'> & {
    problems: string[];
  };
}

/** The state before the first run. */
interface Start {
  assignments: string[];
  callerAssignment: string;
  values: Map<string, string[]>;
  rules: ReturnType<typeof rules>;
}

const remediate: Mode = {
  name: 'remediate',
  title: 'Remediate',
  environment: 'keyvault-remediation',
  faults: latency(300),
  setup(s) {
    const assignment = callerAssignment(s);
    return torPlan(
      scenario,
      [
        FIREWALL_ON,
        {
          id: 'remediate-2-revoke-access',
          kind: 'revoke-access',
          gate: 'remediate',
          params: { objectId: CALLER, mode: 'remove', deleteRoleAssignments: [assignment] },
          reason: 'rule access-from-suspicious-ip: remove the caller’s access',
        },
        ROTATE_ACTION,
      ],
      { snapshot: { networkAcls: OPEN_FIREWALL, roleAssignments: [assignment], secrets: SECRETS_READ } },
    );
  },
  // Firewall replaced, role assignment deleted, gate comment written, issue labelled contained.
  total: 4,
  progress(s, start) {
    const issue = s.github.issues[0]!;
    return [
      rules(s).defaultAction === 'Deny',
      assignmentIds(s).length < start.assignments.length,
      gateComments(s, 'Remediate').length > 0,
      issue.labels.includes('contained'),
    ].filter(Boolean).length;
  },
  check(s, start) {
    const problems: string[] = [];
    if (JSON.stringify(rules(s)) !== JSON.stringify(PLANNED_RULES))
      problems.push(`firewall ${JSON.stringify(rules(s))}`);
    const now = assignmentIds(s);
    if (now.includes(start.callerAssignment)) problems.push("the caller's role assignment is still there");
    // Nothing the plan did not name may go.
    const lost = start.assignments.filter((id) => id !== start.callerAssignment && !now.includes(id)).length;
    if (lost) problems.push(`${lost} role assignment(s) the plan did not name were deleted`);
    const issue = s.github.issues[0]!;
    if (!issue.labels.includes('contained') || issue.labels.includes('triaged'))
      problems.push(`labels ${issue.labels.join(', ')}`);
    if (issue.state !== 'open') problems.push('the issue was closed while the rotate gate is pending');
    const comments = gateComments(s, 'Remediate');
    // Per action, the comments that say "applied": a change is applied once, so at most one comment says so.
    const applied = new Map<string, number>();
    for (const c of comments)
      for (const [id, status] of rows(c)) if (status === 'applied') applied.set(id!, (applied.get(id!) ?? 0) + 1);
    const contradictory = [...applied.values()].filter((n) => n > 1).length;
    if (contradictory) problems.push(`${contradictory} action(s) recorded as applied by two runs`);
    // A change the killed run made without recording it is on the re-run's comment as applied by an earlier run.
    const shown = new Set(applied.keys());
    for (const c of comments)
      for (const [id, status] of rows(c)) if (status === 'applied by an earlier run') shown.add(id!);
    const unrecorded = ['remediate-1-firewall', 'remediate-2-revoke-access'].filter((id) => !shown.has(id)).length;
    if (unrecorded) problems.push(`${unrecorded} change(s) no gate comment shows as applied`);
    const last = comments.at(-1) ?? '';
    if (!/Still waiting: the rotate gate/.test(last))
      problems.push('the last gate comment does not say rotate is pending');
    return {
      problems,
      lost,
      rotatedTwice: 0,
      comments: comments.length,
      contradictory,
      unrecorded,
    };
  },
};

const rotate: Mode = {
  name: 'rotate',
  title: 'Rotate',
  environment: 'keyvault-rotation',
  faults: latency(150),
  setup(s) {
    // The vault as remediate left it: deny by default, the known caller allowed; the runner outside.
    const v = vault(s);
    v.networkAcls.defaultAction = firewallAfter.defaultAction;
    v.networkAcls.ipRules = firewallAfter.ipRules.map((value) => ({ value }));
    s.azure.identityByObjectId(responder(scenario).objectId)!.clientAddress = RUNNER_ADDRESS;
    return torPlan(scenario, [ROTATE_ACTION], { snapshot: { secrets: SECRETS_READ } });
  },
  // Per secret: the new version created, the read version disabled; then the gate comment, the issue closed. The
  // temporary runner rule, while it stands, counts as one more step done (it is removed before the comment).
  total: 2 * Object.keys(READ).length + 2,
  progress(s, start) {
    const perSecret = Object.entries(READ).reduce((n, [name, readVersion]) => {
      const versions = vault(s).secrets.get(name)!.versions;
      const created = versions.length > start.values.get(name)!.length ? 1 : 0;
      const disabled = versions.find((v) => v.version === readVersion)!.enabled ? 0 : 1;
      return n + created + disabled;
    }, 0);
    const done = [runnerRuleStands(s), gateComments(s, 'Rotate').length > 0, s.github.issues[0]!.state === 'closed'];
    return perSecret + done.filter(Boolean).length;
  },
  check(s, start) {
    const problems: string[] = [];
    let lost = 0;
    let rotatedTwice = 0;
    for (const [name, readVersion] of Object.entries(READ)) {
      const versions = vault(s).secrets.get(name)!.versions;
      const before = start.values.get(name)!;
      const missing = before.filter((value) => !versions.some((v) => v.value === value)).length;
      lost += missing;
      const ours = versions.filter((v) => v.tags?.[TAG_ALERT_ID] === MARKER);
      if (ours.length > 1 || versions.length > before.length + 1) rotatedTwice += 1;
      if (missing) problems.push(`${name}: ${missing} previous value(s) gone`);
      if (versions.length !== before.length + 1 || ours.length !== 1) {
        problems.push(
          `${name}: ${versions.length - before.length} new version(s), ${ours.length} tagged for the alert`,
        );
      }
      const current = versions.at(-1)!;
      if (current !== ours[0] || !current.enabled)
        problems.push(`${name}: the current version is not the new one, enabled`);
      for (const v of versions.slice(0, before.length)) {
        if (v.enabled !== (v.version !== readVersion))
          problems.push(`${name}: version ${v.version} enabled=${v.enabled}`);
      }
    }
    if (JSON.stringify(rules(s)) !== JSON.stringify(start.rules)) problems.push(`firewall ${JSON.stringify(rules(s))}`);
    if (vault(s).tags[TAG_TEMPORARY_RULE] !== undefined) problems.push('the temporary-rule tag is still on the vault');
    const issue = s.github.issues[0]!;
    if (issue.state !== 'closed' || !issue.labels.includes('rotated'))
      problems.push(`issue ${issue.state}, ${issue.labels.join(', ')}`);
    const comments = gateComments(s, 'Rotate');
    // Per secret, every comment must name the same new version, and only one may say it rotated it now.
    const newVersions = new Map<string, Set<string>>();
    const rotatedNow = new Map<string, number>();
    const disabledShown = new Set<string>();
    for (const c of comments) {
      for (const [, object, outcome, version, , disabled] of rows(c)) {
        if (!object?.startsWith('secret ')) continue;
        if (version && version !== '-') newVersions.set(object, (newVersions.get(object) ?? new Set()).add(version));
        if (outcome === 'rotated') rotatedNow.set(object, (rotatedNow.get(object) ?? 0) + 1);
        // A version the re-run found disabled is shown as "<version> (already)".
        for (const v of disabled?.split(', ') ?? []) disabledShown.add(v.replace(/ \(already\)$/, ''));
      }
    }
    const unrecorded = Object.values(READ).filter((v) => !disabledShown.has(v)).length;
    if (unrecorded) problems.push(`${unrecorded} disabled version(s) no gate comment shows`);
    const contradictory =
      [...newVersions.values()].filter((v) => v.size > 1).length + [...rotatedNow.values()].filter((n) => n > 1).length;
    if (contradictory) problems.push(`${contradictory} contradictory records in ${comments.length} comments`);
    return {
      problems,
      lost,
      rotatedTwice,
      comments: comments.length,
      contradictory,
      unrecorded,
    };
  },
};

/**
 * A clean run of the mode in its own sandbox: how long its work takes, from its first ARM write (where
 * crash-kill.mjs starts counting) to its last answer. Kill moments are fractions of it.
 */
async function workMs(mode: Mode): Promise<number> {
  const s = await startSandbox(scenario, { faults: mode.faults });
  try {
    const plan = mode.setup(s);
    await openIncident(s, plan);
    approve(s, mode.environment);
    const run = await runJob(s, mode.name, { plan: JSON.stringify(plan) }, { env: SEQUENTIAL });
    if (run.exitCode !== 0)
      throw new Error(`clean ${mode.name} run failed: ${run.annotations.map((a) => a.message).join('; ')}`);
    const first = run.requests.find((r) => r.service === 'arm' && r.method !== 'GET')!;
    return Math.max(...run.requests.map((r) => r.end)) - first.start;
  } finally {
    await s.close();
  }
}

/** One clean run per mode, started by the first seed that needs it (the others set up meanwhile). */
const spans = new Map<string, Promise<number>>();
function workSpan(mode: Mode): Promise<number> {
  if (!spans.has(mode.name)) spans.set(mode.name, workMs(mode));
  return spans.get(mode.name)!;
}

const outcomes = new Map<string, SeedOutcome[]>([
  ['remediate', []],
  ['rotate', []],
]);

afterAll(async () => {
  const figures = Object.fromEntries(
    await Promise.all(
      [...outcomes].map(async ([name, list]) => [
        name,
        {
          seeds: list.length,
          workMs: Math.round((await spans.get(name)) ?? 0),
          killedBeforeWork: list.filter((o) => o.progress === 0).length,
          killedInside: list.filter((o) => o.progress > 0 && o.progress < o.total).length,
          finishedBeforeKill: list.filter((o) => o.progress === o.total).length,
          converged: list.filter((o) => o.converged).length,
          lost: list.reduce((n, o) => n + o.lost, 0),
          rotatedTwice: list.reduce((n, o) => n + o.rotatedTwice, 0),
          contradictoryRecords: list.reduce((n, o) => n + o.contradictory, 0),
          seedsWithTwoGateComments: list.filter((o) => o.comments > 1).length,
          ...(name === 'remediate'
            ? { changesUnrecorded: list.reduce((n, o) => n + o.unrecorded, 0) }
            : {
                disablesUnrecorded: list.reduce((n, o) => n + o.unrecorded, 0),
                ruleLeftByKill: list.filter((o) => o.ruleLeftByKill).length,
                ruleRemovalsUnrecorded: list.filter((o) => o.ruleUnrecorded).length,
              }),
        },
      ]),
    ),
  );
  recordFigures('crash', figures);
  if (process.env.KV_CRASH_VERBOSE) console.log(JSON.stringify(figures, null, 2));
});

for (const mode of [remediate, rotate]) {
  describe.concurrent(`${mode.name} killed at a seeded moment, then run again`, { timeout: 180_000 }, () => {
    const random = seededRandom(mode.name === 'remediate' ? 20261130 : 20261129);
    // Stratified: seed i draws its moment within the i-th slice of 0–105 % of the work, so even the three seeds
    // of `npm test` spread over all of it.
    const fractions = Array.from({ length: SEEDS }, (_, i) => (1.05 * (i + random())) / SEEDS);

    afterAll(() => {
      const list = outcomes.get(mode.name)!;
      const inside = list.filter((o) => o.progress > 0 && o.progress < o.total);
      // The kills must land inside the work (partial progress), not only before or after it.
      expect(inside.length, `progress per seed: ${list.map((o) => o.progress).join(', ')}`).toBeGreaterThan(0);
    });

    fractions.forEach((fraction, i) => {
      it(`seed ${i + 1}: killed at ${Math.round(fraction * 100)} % of the work; the re-run converges`, async ({
        expect,
      }) => {
        const s = await startSandbox(scenario, { faults: mode.faults });
        try {
          const plan = mode.setup(s);
          await openIncident(s, plan);
          approve(s, mode.environment);
          const start: Start = {
            assignments: assignmentIds(s),
            callerAssignment: assignmentKey(callerAssignmentState(s)),
            values: new Map([...vault(s).secrets].map(([name, secret]) => [name, secret.versions.map((v) => v.value)])),
            rules: rules(s),
          };
          const input = { plan: JSON.stringify(plan) };
          const killAfterMs = Math.round(fraction * (await workSpan(mode)));
          const killed = await runJob(s, mode.name, input, {
            env: { ...SEQUENTIAL, NODE_OPTIONS: `--import ${KILLER}`, KV_CRASH_KILL_MS: String(killAfterMs) },
          });
          // What the killed job had sent still lands (as in Azure); the re-run comes after.
          await settled(s);
          const progress = mode.progress(s, start);
          const ruleLeftByKill = runnerRuleStands(s);
          const commentsBefore = s.github.comments.length;
          const rerun: RunResult = await runJob(s, mode.name, input);
          const result = mode.check(s, start);
          const ruleUnrecorded =
            ruleLeftByKill &&
            !gateComments(s, mode.title).some((c) => c.includes(`\`${RUNNER_ADDRESS}/32\` ${RULE_LEFT_REMOVED}`));
          if (ruleUnrecorded) result.problems.push('no gate comment says the rule the kill left was removed');
          // The converged run records itself once.
          const written = s.github.comments.slice(commentsBefore).map((c) => c.body.split('\n')[0]);
          if (written.join() !== `### ${mode.title} gate`)
            result.problems.push(`the re-run wrote: ${written.join('; ')}`);
          if (rerun.exitCode !== 0) result.problems.push(`the re-run exited ${rerun.exitCode}`);
          const converged = result.problems.length === 0;
          outcomes
            .get(mode.name)!
            .push({ ...result, converged, progress, total: mode.total, ruleLeftByKill, ruleUnrecorded });
          if (process.env.KV_CRASH_VERBOSE)
            console.log(`${mode.name} seed ${i + 1}: killed at ${killAfterMs} ms, progress ${progress}`, result);
          // Killed, or done before the moment came: never failed on its own.
          expect(killed.signal === 'SIGKILL' || killed.exitCode === 0, killed.stdout.slice(-500)).toBe(true);
          expect(rerun.annotations.filter((a) => a.level === 'error')).toEqual([]);
          expect(rerun.exitCode).toBe(0);
          expect(result.problems).toEqual([]);
        } finally {
          await s.close();
        }
      });
    });
  });
}
