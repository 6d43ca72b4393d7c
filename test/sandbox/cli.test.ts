// `npm run sandbox`: lists scenarios, starts one, prints working exports, and stops cleanly on SIGINT.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './harness.js';

function start(args: string[]) {
  const child = spawn(process.execPath, ['test/sandbox/run.mjs', ...args], { cwd: PROJECT_ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, closed, out: () => stdout, err: () => stderr };
}

describe('npm run sandbox', () => {
  it('lists the shipped scenarios', async () => {
    const run = start(['--list']);
    expect(await run.closed).toBe(0);
    expect(run.out()).toContain('tor-reads-three-secrets\t');
  });

  it('refuses a missing scenario with one error line and exit 1', async () => {
    const run = start(['--scenario', 'nope']);
    expect(await run.closed).toBe(1);
    expect(run.err()).toMatch(/^error: sandbox: no scenario 'nope'/);
  });

  it('prints exports that reach the fake GitHub, then stops on SIGINT and prints the request log', async () => {
    const run = start(['--scenario', 'user-on-rbac-vault']);
    while (!run.out().includes('# Running.')) {
      if (run.child.exitCode !== null) throw new Error(`sandbox exited early: ${run.err()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const env = Object.fromEntries(
      [...run.out().matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], (m[2] ?? '').replace(/^'(.*)'$/, '$1')]),
    );
    const res = await fetch(`${env.GITHUB_API_URL}/repos/${env.GITHUB_REPOSITORY}/issues`, {
      headers: { authorization: `token ${env.GITHUB_TOKEN}` },
    });
    expect(res.status).toBe(200);
    expect(env.NODE_EXTRA_CA_CERTS).toMatch(/ca\.crt$/);
    run.child.kill('SIGINT');
    expect(await run.closed).toBe(0);
    expect(run.out()).toContain(
      `GET 127.0.0.1:${new URL(env.GITHUB_API_URL ?? '').port}/repos/contoso/secops/issues (github-actions[bot])`,
    );
  });
});
