// The example workflows users copy must match action.yml (inputs, outputs, modes) and ask for the permissions
// each mode needs; a drift would only show up in a user's failed run.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const EXAMPLES_DIR = 'examples/workflows';
const ACTION_USES = /(^|\/)kv-alert-playbook@/;
const MODES = ['triage', 'remediate', 'rotate', 'validate'] as const;
type Mode = (typeof MODES)[number];

const LEVELS = { none: 0, read: 1, write: 2 } as const;
type Level = keyof typeof LEVELS;

/** What a job running each mode needs from GITHUB_TOKEN, and whether it must run in an environment. */
const NEEDS: Record<Mode, { permissions: Record<string, Level>; environment: boolean }> = {
  triage: {
    permissions: { issues: 'write', 'id-token': 'write', actions: 'read', contents: 'read' },
    environment: false,
  },
  remediate: {
    permissions: { issues: 'write', 'id-token': 'write', actions: 'read', contents: 'read' },
    environment: true,
  },
  rotate: {
    permissions: { issues: 'write', 'id-token': 'write', actions: 'read', contents: 'read' },
    environment: true,
  },
  validate: { permissions: { contents: 'read' }, environment: false },
};

interface ActionContract {
  inputs: Set<string>;
  outputs: Set<string>;
}

type Permissions = string | Record<string, string> | undefined;

interface Step {
  id?: string;
  uses?: string;
  with?: Record<string, unknown>;
}

interface Job {
  needs?: string | string[];
  environment?: string | { name: string };
  permissions?: Permissions;
  outputs?: Record<string, string>;
  steps?: Step[];
  [key: string]: unknown;
}

interface Workflow {
  on?: Record<string, unknown>;
  permissions?: Permissions;
  concurrency?: { group?: string; 'cancel-in-progress'?: unknown };
  jobs?: Record<string, Job>;
}

function loadAction(): ActionContract {
  const action = parse(readFileSync('action.yml', 'utf8')) as {
    inputs: Record<string, unknown>;
    outputs: Record<string, unknown>;
  };
  return { inputs: new Set(Object.keys(action.inputs)), outputs: new Set(Object.keys(action.outputs)) };
}

/** Every string in a value, with the path where it sits (for messages). */
function strings(value: unknown, path: string): { path: string; text: string }[] {
  if (typeof value === 'string') return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => strings(v, `${path}.${k}`));
  }
  return [];
}

function level(permissions: Permissions, scope: string): Level {
  if (permissions === undefined) return 'none';
  if (permissions === 'write-all') return 'write';
  if (permissions === 'read-all') return 'read';
  if (typeof permissions === 'string') return 'none';
  const value = permissions[scope];
  return value === 'read' || value === 'write' ? value : 'none';
}

function needsOf(job: Job): string[] {
  if (job.needs === undefined) return [];
  return Array.isArray(job.needs) ? job.needs : [job.needs];
}

function isActionStep(step: Step): boolean {
  return typeof step.uses === 'string' && ACTION_USES.test(step.uses);
}

function modeOf(step: Step): unknown {
  return step.with?.mode ?? 'triage';
}

/** Problems with one workflow against the action contract; empty when it is consistent. */
function checkWorkflow(workflow: Workflow, action: ActionContract): string[] {
  const problems: string[] = [];
  const jobs = workflow.jobs ?? {};
  const dispatchInputs = Object.keys(
    ((workflow.on?.workflow_dispatch as { inputs?: Record<string, unknown> } | null) ?? {}).inputs ?? {},
  );

  for (const { path, text } of strings(workflow, 'workflow')) {
    for (const [, name] of text.matchAll(/\binputs\.([A-Za-z0-9_-]+)/g)) {
      if (!dispatchInputs.includes(name!)) problems.push(`${path}: inputs.${name} is not a workflow_dispatch input`);
    }
  }

  for (const [jobName, job] of Object.entries(jobs)) {
    const steps = job.steps ?? [];
    const stepsById = new Map(steps.filter((s) => s.id).map((s) => [s.id!, s]));
    const needs = needsOf(job);

    for (const need of needs) if (!jobs[need]) problems.push(`${jobName}: needs unknown job '${need}'`);

    for (const { path, text } of strings(job, jobName)) {
      for (const [, id, output] of text.matchAll(/\bsteps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g)) {
        const step = stepsById.get(id!);
        if (!step) problems.push(`${path}: steps.${id} is not a step of job ${jobName}`);
        else if (isActionStep(step) && !action.outputs.has(output!)) {
          problems.push(`${path}: '${output}' is not an output of action.yml`);
        }
      }
      for (const [, other, output] of text.matchAll(/\bneeds\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g)) {
        if (!needs.includes(other!)) problems.push(`${path}: needs.${other} is not in ${jobName}'s needs`);
        else if (!Object.hasOwn(jobs[other!]?.outputs ?? {}, output!)) {
          problems.push(`${path}: '${output}' is not an output of job ${other}`);
        }
      }
      for (const [, other] of text.matchAll(/\bneeds\.([A-Za-z0-9_-]+)\.result\b/g)) {
        if (!needs.includes(other!)) problems.push(`${path}: needs.${other} is not in ${jobName}'s needs`);
      }
    }

    for (const step of steps.filter(isActionStep)) {
      const where = `${jobName}.${step.id ?? step.uses}`;
      for (const key of Object.keys(step.with ?? {})) {
        if (!action.inputs.has(key)) problems.push(`${where}: with.${key} is not an input of action.yml`);
      }
      const mode = modeOf(step);
      if (!MODES.includes(mode as Mode)) {
        problems.push(`${where}: mode '${String(mode)}' is not one of ${MODES.join(', ')}`);
        continue;
      }
      const need = NEEDS[mode as Mode];
      const permissions = job.permissions ?? workflow.permissions;
      for (const [scope, wanted] of Object.entries(need.permissions)) {
        const has = level(permissions, scope);
        if (LEVELS[has] < LEVELS[wanted]) {
          problems.push(`${jobName}: mode ${String(mode)} needs permissions.${scope}: ${wanted} (has ${has})`);
        }
      }
      if (need.environment && !job.environment) {
        problems.push(`${jobName}: mode ${String(mode)} must run in an environment (approval gate)`);
      }
      if (
        (mode === 'remediate' || mode === 'rotate') &&
        !/needs\.[A-Za-z0-9_-]+\.outputs\.plan(?![A-Za-z0-9_-])/.test(String(step.with?.plan))
      ) {
        problems.push(`${where}: mode ${String(mode)} must get its plan from the triage job's plan output`);
      }
    }
  }
  return problems;
}

function loadExamples(): { file: string; workflow: Workflow }[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith('.yml'))
    .map((file) => ({ file, workflow: parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8')) as Workflow }));
}

function example(name: string): Workflow {
  const found = loadExamples().find((e) => e.file === name);
  if (!found) throw new Error(`${EXAMPLES_DIR}/${name} is missing`);
  return found.workflow;
}

function modesIn(workflow: Workflow): Map<string, string> {
  const modes = new Map<string, string>();
  for (const [jobName, job] of Object.entries(workflow.jobs ?? {})) {
    for (const step of (job.steps ?? []).filter(isActionStep)) modes.set(jobName, String(modeOf(step)));
  }
  return modes;
}

describe('example workflows', () => {
  const action = loadAction();

  it.each(loadExamples().map((e) => [e.file, e.workflow] as const))(
    '%s matches action.yml and asks for the permissions each mode needs',
    (_file, workflow) => {
      expect(modesIn(workflow).size).toBeGreaterThan(0);
      expect(checkWorkflow(workflow, action)).toEqual([]);
    },
  );

  it('keyvault-alert.yml runs on the bridge dispatch and on manual runs with an alert input', () => {
    const wf = example('keyvault-alert.yml');
    const dispatch = wf.on?.repository_dispatch as { types?: string[] };
    expect(dispatch.types).toEqual(['defender-keyvault-alert']);
    const manual = wf.on?.workflow_dispatch as { inputs?: Record<string, unknown> };
    expect(Object.keys(manual.inputs ?? {})).toContain('alert');
  });

  it('keyvault-alert.yml queues runs per alert id and never cancels one in progress', () => {
    const wf = example('keyvault-alert.yml');
    expect(wf.concurrency?.['cancel-in-progress']).toBe(false);
    const group = wf.concurrency?.group ?? '';
    for (const key of [
      'client_payload.alert.SystemAlertId',
      'client_payload.alert.systemAlertId',
      'client_payload.alert.properties.systemAlertId',
      'client_payload.alertRef',
      'inputs.alert',
    ]) {
      expect(group).toContain(key);
    }
  });

  it('keyvault-alert.yml chains triage → remediate → rotate through environments', () => {
    const wf = example('keyvault-alert.yml');
    expect(Object.fromEntries(modesIn(wf))).toEqual({ triage: 'triage', remediate: 'remediate', rotate: 'rotate' });
    const jobs = wf.jobs!;
    expect(jobs.remediate!.environment).toBe('keyvault-remediation');
    expect(jobs.rotate!.environment).toBe('keyvault-rotation');
    expect(jobs.remediate!.if).toBe("needs.triage.outputs.needs-remediation == 'true'");
    expect(needsOf(jobs.rotate!)).toEqual(expect.arrayContaining(['triage', 'remediate']));
    // Runs when remediate was skipped, never after it failed.
    expect(jobs.rotate!.if).toContain("needs.remediate.result == 'skipped'");
    expect(jobs.rotate!.if).toContain('!cancelled()');
    expect(jobs.rotate!.if).toContain("needs.triage.outputs.needs-rotation == 'true'");
    const clientIds = ['triage', 'remediate', 'rotate'].map((j) => {
      const step = jobs[j]!.steps!.find(isActionStep)!;
      return String(step.with?.['azure-client-id']);
    });
    expect(new Set(clientIds).size).toBe(3);
    for (const id of clientIds) expect(id).toMatch(/^\$\{\{ vars\.[A-Z_]+ \}\}$/);
  });

  it('every repository variable the examples read is one docs/azure-setup.md tells you to set', () => {
    const setup = readFileSync('docs/azure-setup.md', 'utf8');
    const documented = new Set([...setup.matchAll(/gh variable set (\w+)/g)].map((m) => m[1]));
    const used = loadExamples().flatMap(({ workflow }) =>
      strings(workflow, '').flatMap(({ text }) => [...text.matchAll(/\bvars\.(\w+)/g)].map((m) => m[1])),
    );
    expect(used.length).toBeGreaterThan(0);
    for (const name of used) expect(documented).toContain(name);
  });

  it('validate-playbook.yml validates the playbook on pull requests that change it', () => {
    const wf = example('validate-playbook.yml');
    const pr = wf.on?.pull_request as { paths?: string[] };
    expect(pr.paths).toContain('.github/kv-alert-playbook.yml');
    expect([...modesIn(wf).values()]).toEqual(['validate']);
  });

  it('the checker reports drift, a missing permission and a missing environment', () => {
    const broken: Workflow = {
      permissions: {},
      jobs: {
        triage: {
          permissions: { issues: 'write', contents: 'read' },
          outputs: { plan: '${{ steps.t.outputs.plan }}', nope: '${{ steps.t.outputs.no-such-output }}' },
          steps: [{ id: 't', uses: 'OWNER/kv-alert-playbook@v1', with: { mode: 'triage', 'no-such-input': 'x' } }],
        },
        remediate: {
          needs: 'triage',
          permissions: { issues: 'write', 'id-token': 'write', actions: 'read', contents: 'read' },
          steps: [
            {
              uses: 'OWNER/kv-alert-playbook@v1',
              with: { mode: 'remediate', plan: '${{ needs.triage.outputs.plan-json }}' },
            },
          ],
        },
        other: { steps: [{ uses: 'OWNER/kv-alert-playbook@v1', with: { mode: 'fix-everything' } }] },
      },
    };
    const problems = checkWorkflow(broken, action);
    expect(problems).toEqual(
      expect.arrayContaining([
        "triage.outputs.nope: 'no-such-output' is not an output of action.yml",
        'triage.t: with.no-such-input is not an input of action.yml',
        'triage: mode triage needs permissions.id-token: write (has none)',
        'triage: mode triage needs permissions.actions: read (has none)',
        "remediate.steps[0].with.plan: 'plan-json' is not an output of job triage",
        'remediate: mode remediate must run in an environment (approval gate)',
        "other.OWNER/kv-alert-playbook@v1: mode 'fix-everything' is not one of triage, remediate, rotate, validate",
      ]),
    );
  });
});
