// The runner harness runs the shipped bundles as the runner would and leaves nothing behind.
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubTestScenario } from './fixtures.js';
import { PROJECT_ROOT, runAction } from './harness.js';
import { startSandbox, type Sandbox } from './index.js';

describe.skipIf(!existsSync(join(PROJECT_ROOT, 'dist', 'index.js')))('runner harness', () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox(githubTestScenario());
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('runs dist/cli.js with arguments and captures exit code and stdout', async () => {
    const r = await runAction(sandbox, { entry: 'cli', args: ['--help'] });
    expect(r.exitCode).toBe(0);
    expect(r.timedOut).toBe(false);
    expect(r.stdout).toContain('triage');
  });

  it('runs dist/index.js with the runner environment and captures its exit code, annotations and outputs', async () => {
    const r = await runAction(sandbox, {
      inputs: { mode: 'validate' },
      event: { name: 'workflow_dispatch', payload: { inputs: {} } },
    });
    expect(r.timedOut).toBe(false);
    expect(typeof r.exitCode).toBe('number');
    // validate mode is being built elsewhere: whichever way it ends, a failure must be reported as ::error::.
    if (r.exitCode !== 0) expect(r.annotations.some((a) => a.level === 'error')).toBe(true);
    expect(r.stdout.length + r.stderr.length).toBeGreaterThan(0);
    expect(typeof r.outputs).toBe('object');
  });

  it('gives the child the runner variables: event file, INPUT_* defaults, OIDC and proxy settings', async () => {
    const probe = [
      "const fs = require('node:fs');",
      'const e = process.env;',
      'const event = JSON.parse(fs.readFileSync(e.GITHUB_EVENT_PATH, "utf8"));',
      'fs.appendFileSync(e.GITHUB_OUTPUT, "seen<<EOF\\n" + JSON.stringify({ event, token: e["INPUT_GITHUB-TOKEN"], mode: e.INPUT_MODE, job: e.GITHUB_JOB, run: e.GITHUB_RUN_ID, attempt: e.GITHUB_RUN_ATTEMPT, oidc: Boolean(e.ACTIONS_ID_TOKEN_REQUEST_URL && e.ACTIONS_ID_TOKEN_REQUEST_TOKEN), proxy: e.HTTPS_PROXY, ca: fs.existsSync(e.NODE_EXTRA_CA_CERTS), api: e.GITHUB_API_URL, noProxy: e.NO_PROXY, ghToken: e.GITHUB_TOKEN ?? null }) + "\\nEOF\\n");',
      'fs.appendFileSync(e.GITHUB_STEP_SUMMARY, "## summary");',
      'process.exit(0);',
    ].join(' ');
    // A preload in the workspace records what the process was given, then exits before the bundle runs.
    const r = await runAction(sandbox, {
      job: 'remediate',
      inputs: { mode: 'triage' },
      event: {
        name: 'repository_dispatch',
        payload: { action: 'defender-alert', client_payload: { alert: { id: 'x' } } },
      },
      env: { NODE_OPTIONS: '--require=./probe.cjs' },
      files: { 'probe.cjs': probe },
    });
    expect(r.exitCode).toBe(0);
    expect(r.summary).toBe('## summary');
    expect(JSON.parse(r.outputs.seen ?? '')).toEqual({
      event: { action: 'defender-alert', client_payload: { alert: { id: 'x' } } },
      token: sandbox.actionToken,
      mode: 'triage',
      job: 'remediate',
      run: '4242',
      attempt: '2',
      oidc: true,
      proxy: sandbox.proxyUrl,
      ca: true,
      api: sandbox.githubUrl,
      noProxy: '127.0.0.1,localhost',
      ghToken: null,
    });
  });

  it('kills a child that outlives its timeout', async () => {
    const r = await runAction(sandbox, {
      entry: 'cli',
      args: ['--help'],
      env: { NODE_OPTIONS: '--import=data:text/javascript,setInterval(()=>{},1000)' },
      timeoutMs: 1500,
    });
    expect(r.timedOut).toBe(true);
    expect(r.signal).toBe('SIGKILL');
  });

  // Other test files run the harness at the same time: check this run's own folder, not the whole tmpdir.
  it('removes its temporary files', async () => {
    const r = await runAction(sandbox, { entry: 'cli', args: ['--help'] });
    expect(r.tempDir.startsWith(join(tmpdir(), 'kv-harness-'))).toBe(true);
    expect(existsSync(r.tempDir)).toBe(false);
  });
});
