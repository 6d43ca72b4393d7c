import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const cli = (...args: string[]) => spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8' });

describe('cli', () => {
  it('lists every command in --help and exits 0', () => {
    const r = cli('--help');
    expect(r.status).toBe(0);
    for (const name of ['validate', 'explain', 'triage', 'remediate', 'rotate', 'rollback', 'demo']) {
      expect(r.stdout).toContain(name);
    }
  });

  it('refuses an unknown command with one error line and exit 1', () => {
    const r = cli('frobnicate');
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("error: unknown command 'frobnicate'; run 'kv-alert-playbook --help' for the list\n");
  });

  it('refuses an unknown option with one error line and exit 1', () => {
    const r = cli('explain', '--nope');
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: explain: .*--nope/);
  });
});
