// Secret hygiene: every byte the action writes (stdout, stderr, outputs, job summary, issues, comments) is
// scanned for the sandbox's secret values, its credentials and any JWT (every Entra access token and GitHub
// OIDC token is one). The fault, race and privilege suites scan each of their runs too; this one adds a run
// with step debug logging on, where SDKs print the most, and a re-fire (the comment path).
import { afterAll, describe, expect, it } from 'vitest';
import { recordFigures } from '../corpus/support.js';
import { runAction } from '../sandbox/harness.js';
import { defenderAlertResource, dispatchEvent } from '../e2e/support.js';
import { leaks, responder, RUN_BOUND_MS, scenario, secretValues, triage, withSandbox } from './support.js';

const figures = { runs: 0, gatedRuns: 0, bytes: 0, leaks: [] as string[] };

describe('secret hygiene: triage', () => {
  afterAll(() => recordFigures('hygiene', figures));

  it(
    'with step debug logging, and again as a re-fire: no secret value and no token in anything written',
    async () => {
      await withSandbox(scenario(), [], async (sandbox) => {
        const s = sandbox.scenario;
        const r = responder(s);
        const debugRun = await runAction(sandbox, {
          job: 'triage',
          inputs: { mode: 'triage', 'azure-client-id': r.appId, 'azure-tenant-id': s.azure.tenantId },
          event: dispatchEvent(defenderAlertResource(s)),
          env: { ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' },
          timeoutMs: RUN_BOUND_MS,
        });
        const refire = await triage(sandbox);
        expect(debugRun.exitCode).toBe(0);
        expect(refire.exitCode).toBe(0);
        // Debug output was on, with a line per Azure and GitHub request: what this scan reads for leaks.
        expect(debugRun.stdout).toMatch(
          /^::debug::azure:kv-alert-playbook:info GET management\.azure\.com\/subscriptions\/\S+: 200 in \d+ ms$/m,
        );
        expect(debugRun.stdout).toMatch(/^::debug::GitHub POST \/repos\/\{owner\}\/\{repo\}\/issues: 201$/m);
        expect(sandbox.github.comments.length).toBeGreaterThan(0);
        const runs = [debugRun, refire];
        figures.runs += runs.length;
        figures.bytes += runs.reduce((n, run) => n + run.stdout.length + run.stderr.length + run.summary.length, 0);
        const found = leaks(runs, sandbox);
        figures.leaks.push(...found);
        expect(found).toEqual([]);
      });
    },
    RUN_BOUND_MS * 3,
  );

  // The gated flow writes new secret values (rotation): the richest source of a leak. Full runs only (35 s).
  it.runIf(process.env.KV_RELIABILITY === 'full')(
    'triage → remediate → rotate after approval: no secret value (old or generated) and no token written',
    async () => {
      await withSandbox(scenario(), [], async (sandbox) => {
        const s = sandbox.scenario;
        const r = responder(s);
        const runId = s.github.runs?.[0]?.id ?? 1;
        const job = (mode: 'triage' | 'remediate' | 'rotate', plan?: string) =>
          runAction(sandbox, {
            job: mode,
            runId,
            inputs: {
              mode,
              'azure-client-id': r.appId,
              'azure-tenant-id': s.azure.tenantId,
              ...(plan ? { plan } : {}),
            },
            event: dispatchEvent(defenderAlertResource(s)),
            timeoutMs: RUN_BOUND_MS,
          });
        const approve = (environment: string) =>
          sandbox.github.addApproval(runId, { environments: [environment], state: 'approved', user: 'alice-secops' });
        const before = secretValues(sandbox).length;
        const triaged = await job('triage');
        approve('keyvault-remediation');
        const remediated = await job('remediate', triaged.outputs.plan);
        approve('keyvault-rotation');
        const rotated = await job('rotate', triaged.outputs.plan);
        const runs = [triaged, remediated, rotated];
        expect(runs.map((x) => x.exitCode)).toEqual([0, 0, 0]);
        expect(secretValues(sandbox).length).toBeGreaterThan(before); // rotation generated values
        figures.runs += runs.length;
        figures.gatedRuns = runs.length;
        figures.bytes += runs.reduce((n, run) => n + run.stdout.length + run.stderr.length + run.summary.length, 0);
        const found = leaks(runs, sandbox);
        figures.leaks.push(...found);
        expect(found).toEqual([]);
      });
    },
    RUN_BOUND_MS * 4,
  );

  it(
    'the scan finds a planted secret value and a planted token',
    async () => {
      await withSandbox(scenario(), [], async (sandbox) => {
        const run = await triage(sandbox);
        const secret = secretValues(sandbox).find((v) => v.includes('jwt-signing-secret'))!;
        const planted = {
          ...run,
          summary: `${run.summary}\n${secret}`,
          stderr: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0xx.c2lnbmF0dXJlMTIz',
        };
        expect(leaks([planted], sandbox)).toEqual([
          'run 0 stderr: a JWT',
          expect.stringMatching(/^run 0 summary: a secret value/),
        ]);
      });
    },
    RUN_BOUND_MS * 2,
  );
});
