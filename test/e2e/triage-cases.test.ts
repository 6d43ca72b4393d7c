// Triage end to end for each kind of caller, vault and failure: dist/index.js against the sandbox.
import { describe, expect, it } from 'vitest';
import { runAction, type RunResult } from '../sandbox/harness.js';
import { loadScenario, startSandbox, type Sandbox } from '../sandbox/index.js';
import type { SandboxScenario } from '../sandbox/scenario.js';
import type { FaultRule } from '../sandbox/core/index.js';
import { linesOutsideCode } from '../../src/report/markdown.js';
import { defenderAlertResource, dispatchEvent, responder } from './support.js';

type Alter = (alert: Record<string, unknown>, props: Record<string, unknown>, ext: Record<string, unknown>) => void;

async function triageOnce(
  scenario: SandboxScenario,
  options: { alter?: Alter; faults?: FaultRule[]; runs?: number } = {},
): Promise<{ sandbox: Sandbox; results: RunResult[] }> {
  const sandbox = await startSandbox(scenario, options.faults ? { faults: options.faults } : {});
  const alert = defenderAlertResource(scenario);
  const props = alert.properties as Record<string, unknown>;
  options.alter?.(alert, props, (props.extendedProperties ??= {}) as Record<string, unknown>);
  const app = responder(scenario);
  const run = () =>
    runAction(sandbox, {
      job: 'triage',
      inputs: { mode: 'triage', 'azure-client-id': app.appId, 'azure-tenant-id': scenario.azure.tenantId },
      event: dispatchEvent(alert),
      timeoutMs: 120_000,
    });
  try {
    const results = await Promise.all(Array.from({ length: options.runs ?? 1 }, run));
    return { sandbox, results };
  } catch (error) {
    await sandbox.close();
    throw error;
  }
}

function onlyIssue(sandbox: Sandbox) {
  const open = sandbox.github.issues.filter((i) => i.state === 'open' && i.labels.includes('kv-alert'));
  expect(open).toHaveLength(1);
  return open[0]!;
}

function ok(r: RunResult): void {
  expect(r.annotations.filter((a) => a.level === 'error')).toEqual([]);
  expect(r.exitCode).toBe(0);
}

describe('triage cases through dist/index.js', { timeout: 180_000 }, () => {
  it('a user caller with a UPN on an RBAC vault: role assignments found and planned for removal', async () => {
    const { sandbox, results } = await triageOnce(loadScenario('user-on-rbac-vault'));
    try {
      ok(results[0]!);
      const body = onlyIssue(sandbox).body ?? '';
      expect(body).toContain('meganb');
      expect(body).toContain('Azure RBAC');
      const plan = JSON.parse(results[0]!.outputs.plan!);
      expect(plan.actions.map((a: { kind: string }) => a.kind)).toContain('revoke-access');
      expect(plan.snapshot.roleAssignments.length).toBeGreaterThan(0);
    } finally {
      await sandbox.close();
    }
  });

  it('an external caller without object id: impact by IP only, nothing to revoke', async () => {
    const { sandbox, results } = await triageOnce(loadScenario('tor-reads-three-secrets'), {
      alter: (_a, _p, ext) => {
        delete ext['Attacker Object ID'];
        delete ext['Application ID'];
        delete ext['Object Id'];
        delete ext['Client Application Id'];
      },
    });
    try {
      ok(results[0]!);
      const plan = JSON.parse(results[0]!.outputs.plan!);
      expect(plan.actions.some((a: { kind: string }) => a.kind === 'revoke-access')).toBe(false);
      expect(plan.actions.find((a: { kind: string }) => a.kind === 'rotate-secrets').params.secrets).toHaveLength(3);
      expect(onlyIssue(sandbox).body).toContain('185.220.101.7');
    } finally {
      await sandbox.close();
    }
  });

  it('a vault without diagnostic settings: impact unknown with the reason, issue still opens, no rotation planned', async () => {
    const { sandbox, results } = await triageOnce(loadScenario('no-diagnostic-settings'));
    try {
      ok(results[0]!);
      const body = onlyIssue(sandbox).body ?? '';
      expect(body).toContain('the vault has no diagnostic settings');
      const plan = JSON.parse(results[0]!.outputs.plan!);
      expect(plan.actions.some((a: { kind: string }) => a.kind === 'rotate-secrets')).toBe(false);
      expect(results[0]!.outputs['needs-rotation']).toBe('false');
    } finally {
      await sandbox.close();
    }
  });

  for (const [fault, reason] of [
    ['forbidden', 'no permission to query it'],
    ['partialError', 'partial result'],
  ] as const) {
    it(`Log Analytics ${fault}: impact unknown, rotation not planned from it`, async () => {
      const scenario = loadScenario('tor-reads-three-secrets');
      scenario.azure.workspaces![0]!.faults = { [fault]: true };
      const { sandbox, results } = await triageOnce(scenario);
      try {
        ok(results[0]!);
        expect(onlyIssue(sandbox).body).toContain(reason);
        expect(results[0]!.outputs['needs-rotation']).toBe('false');
      } finally {
        await sandbox.close();
      }
    });
  }

  it('two concurrent runs for one alert end with one open issue', async () => {
    const { sandbox, results } = await triageOnce(loadScenario('tor-reads-three-secrets'), { runs: 2 });
    try {
      results.forEach(ok);
      const issue = onlyIssue(sandbox);
      expect(results.map((r) => r.outputs['issue-number'])).toEqual([String(issue.number), String(issue.number)]);
    } finally {
      await sandbox.close();
    }
  });

  it('hostile alert strings are rendered inert', async () => {
    const { sandbox, results } = await triageOnce(loadScenario('tor-reads-three-secrets'), {
      alter: (_a, props, ext) => {
        props.alertDisplayName =
          '@octo-org/admins see #1 <img src=x onerror=alert(1)> [click](https://evil.example) <!-- x -->';
        ext['Client Information'] = '| broken | table |\n@mallory <script>x</script> \u202Egnp.exe';
      },
    });
    try {
      ok(results[0]!);
      const issue = onlyIssue(sandbox);
      // A title is plain text on GitHub (no HTML, links or mentions); the body is markdown.
      const body = issue.body ?? '';
      // Mentions, references and HTML do not work inside code: look at the markdown outside it.
      const prose = linesOutsideCode(body)
        .join('\n')
        .replace(/(`+)[^`]*?\1/g, '');
      expect(prose).not.toMatch(/@(octo-org|mallory)\b/);
      expect(prose).not.toMatch(/(^|\s)#1\b/);
      // HTML, links and markers are inert inside code too; outside it they must not appear at all.
      expect(prose).not.toContain('<img');
      expect(prose).not.toContain('<script');
      expect(prose).not.toContain('](https://evil.example)');
      expect(body).not.toContain('<!-- x');
      const text = `${issue.title}\n${body}`;
      expect(text).not.toContain('\u202E');
    } finally {
      await sandbox.close();
    }
  });

  it('an alert too large for repository_dispatch arrives as alertRef and is read from Defender', async () => {
    const scenario = loadScenario('tor-reads-three-secrets');
    const sandbox = await startSandbox(scenario);
    try {
      const app = responder(scenario);
      const ref = defenderAlertResource(scenario).id as string;
      const r = await runAction(sandbox, {
        job: 'triage',
        inputs: { mode: 'triage', 'azure-client-id': app.appId, 'azure-tenant-id': scenario.azure.tenantId },
        event: { name: 'repository_dispatch', payload: { client_payload: { alertRef: ref } } },
        timeoutMs: 120_000,
      });
      ok(r);
      expect(r.outputs['alert-id']).toBe(scenario.azure.alerts![0]!.name);
      expect(r.requests.some((q) => q.service === 'arm' && q.path.startsWith(ref))).toBe(true);
      onlyIssue(sandbox);
    } finally {
      await sandbox.close();
    }
  });

  it("settings.service-tags: the caller's IP is matched against Azure's published ranges", async () => {
    const scenario = loadScenario('tor-reads-three-secrets');
    const sandbox = await startSandbox(scenario);
    try {
      const app = responder(scenario);
      const tags = {
        values: [
          {
            name: 'AzureCloud.westeurope',
            properties: { region: 'westeurope', addressPrefixes: ['185.220.100.0/22'] },
          },
        ],
      };
      const r = await runAction(sandbox, {
        job: 'triage',
        inputs: { mode: 'triage', 'azure-client-id': app.appId, 'azure-tenant-id': scenario.azure.tenantId },
        event: dispatchEvent(defenderAlertResource(scenario)),
        files: {
          '.github/kv-alert-playbook.yml':
            'version: 1\nsettings:\n  service-tags: tags.json\nrules:\n  - name: all\n    steps: [identify-source]\n',
          'tags.json': JSON.stringify(tags),
        },
        timeoutMs: 120_000,
      });
      ok(r);
      expect(onlyIssue(sandbox).body).toContain('AzureCloud.westeurope');
    } finally {
      await sandbox.close();
    }
  });

  it('an Azure call that never answers times out: the issue opens and says what could not be read', async () => {
    const scenario = loadScenario('tor-reads-three-secrets');
    const sandbox = await startSandbox(scenario, {
      faults: [{ service: 'arm', method: 'GET', path: /\/vaults\/[^/]+\?/, fault: { kind: 'hang' } }],
    });
    try {
      const app = responder(scenario);
      const r = await runAction(sandbox, {
        job: 'triage',
        inputs: { mode: 'triage', 'azure-client-id': app.appId, 'azure-tenant-id': scenario.azure.tenantId },
        event: dispatchEvent(defenderAlertResource(scenario)),
        env: { KV_ALERT_PLAYBOOK_REQUEST_TIMEOUT_MS: '1500' },
        timeoutMs: 120_000,
      });
      ok(r);
      expect(onlyIssue(sandbox).body).toMatch(/vault state: vault kv-payments-prod: could not read it/);
      expect(r.outputs['needs-remediation']).toBe('false');
    } finally {
      await sandbox.close();
    }
  });

  it('GitHub 5xx and secondary rate limits are retried', async () => {
    const { sandbox, results } = await triageOnce(loadScenario('tor-reads-three-secrets'), {
      faults: [
        { service: 'github', method: 'GET', path: /\/issues(\?|$)/, first: 1, fault: { kind: 'status', status: 502 } },
        {
          service: 'github',
          method: 'POST',
          path: /\/issues$/,
          first: 1,
          fault: {
            kind: 'status',
            status: 403,
            retryAfterSeconds: 1,
            body: {
              message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
            },
          },
        },
      ],
    });
    try {
      ok(results[0]!);
      onlyIssue(sandbox);
      expect(results[0]!.requests.filter((r) => r.fault).length).toBe(2);
    } finally {
      await sandbox.close();
    }
  });
});
