// A GitHub route or the OIDC token route that never answers: the run fails at the request timeout with one line
// naming GitHub and the call, instead of waiting for the job's timeout-minutes (dist/index.js against the sandbox).
import { describe, expect, it } from 'vitest';
import { loadScenario, startSandbox, type FaultRule } from '../sandbox/index.js';
import type { RunResult } from '../sandbox/harness.js';
import { runJob } from '../e2e/support.js';

const TIMEOUT_ENV = { KV_ALERT_PLAYBOOK_REQUEST_TIMEOUT_MS: '1500' };

async function runWithHang(
  job: 'triage' | 'remediate',
  fault: FaultRule,
  inputs: Record<string, string> = {},
): Promise<RunResult> {
  const sandbox = await startSandbox(loadScenario('tor-reads-three-secrets'), { faults: [fault] });
  try {
    return await runJob(sandbox, job, inputs, { env: TIMEOUT_ENV, timeoutMs: 90_000 });
  } finally {
    await sandbox.close();
  }
}

function failure(r: RunResult): string {
  expect(r.timedOut).toBe(false);
  expect(r.exitCode).not.toBe(0);
  const errors = r.annotations.filter((a) => a.level === 'error').map((a) => a.message);
  expect(errors).toHaveLength(1);
  return errors[0]!;
}

describe.concurrent('requests that never answer', { timeout: 120_000 }, () => {
  it('a GitHub route: triage fails naming GitHub and the call, after bounded retries', async () => {
    const r = await runWithHang('triage', {
      service: 'github',
      method: 'GET',
      path: /\/repos\/[^/]+\/[^/]+\/issues(\?|$)/,
      fault: { kind: 'hang' },
    });
    expect(failure(r)).toMatch(
      /^unexpected failure: GitHub GET 127\.0\.0\.1:\d+\/repos\/contoso\/secops\/issues: no answer within 1\.5 s$/,
    );
    const hung = r.requests.filter((q) => q.service === 'github' && q.fault);
    expect(hung).toHaveLength(4); // the first attempt and the retry plugin's 3 retries
  });

  it('the OIDC token route: a gated job fails naming GitHub and the token call', async () => {
    const r = await runWithHang(
      'remediate',
      { service: 'github', path: /^\/_sandbox\/actions\/idtoken/, fault: { kind: 'hang' } },
      { plan: '{}' },
    );
    expect(failure(r)).toMatch(
      /^could not get a GitHub OIDC token to read the job's environment: GitHub GET 127\.0\.0\.1:\d+\/_sandbox\/actions\/idtoken: no answer within 1\.5 s$/,
    );
  });
});
