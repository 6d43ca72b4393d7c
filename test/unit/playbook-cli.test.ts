// The built bundles (run `npm run build` first), as a user and the runner run them.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const cliPath = resolve('dist/cli.js');
const actionPath = resolve('dist/index.js');
const cli = (...args: string[]) => spawnSync(process.execPath, [cliPath, ...args], { encoding: 'utf8' });

describe('kv-alert-playbook validate', () => {
  it('accepts the bundled default playbook', () => {
    const r = cli('validate', 'playbooks/default.yml');
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('1 playbook valid\n');
    expect(r.status).toBe(0);
  });

  it('prints file:line:col: message for every problem and exits 1', () => {
    const typos = 'test/fixtures/playbooks/invalid-typos.yml';
    const structure = 'test/fixtures/playbooks/invalid-structure.yml';
    const r = cli('validate', typos, structure, 'playbooks/default.yml');
    expect(r.stdout.trimEnd().split('\n')).toEqual([
      `${typos}:12:41: rule 'outside-ip'.when.all[0].source.ip.not-in-network[0]: unknown network 'corpp' (did you mean 'corp'?); define it under networks: or write a CIDR`,
      `${typos}:13:33: rule 'outside-ip'.when.all[1].severity.at-least: 'Medum' is not one of Informational, Low, Medium, High (did you mean 'Medium'?)`,
      `${typos}:16:9: rule 'outside-ip'.steps[1]: unknown step kind 'firewal' (did you mean 'firewall'?); kinds are identify-source, measure-impact, notify, firewall, revoke-access, rotate-secrets, disable-secrets, delete-secrets, rotate-keys, rotate-certificates`,
      `${structure}:6:11: duplicate rule name 'everything' (first used at line 4)`,
      `${structure}:6:11: rule 'everything' can never be reached: rule 'everything' (line 4) matches every alert and does not continue`,
      `${structure}:8:13: rule 'everything'.steps[0]: step 'rotate-secrets' needs the rotate gate, but settings.gates.rotate.environment is not set; name the GitHub environment whose approval releases it`,
    ]);
    expect(r.stderr).toBe('6 problems in 3 playbooks\n');
    expect(r.status).toBe(1);
  });

  it('refuses a missing file with one error line', () => {
    const r = cli('validate', 'no-such-playbook.yml');
    expect(r.stderr).toBe('error: playbook no-such-playbook.yml: no such file\n');
    expect(r.status).toBe(1);
  });
});

describe('action mode validate', () => {
  const empty = mkdtempSync(join(tmpdir(), 'kv-validate-'));
  afterAll(() => rmSync(empty, { recursive: true, force: true }));
  const action = (playbook: string, cwd: string) =>
    spawnSync(process.execPath, [actionPath], {
      cwd,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, INPUT_MODE: 'validate', INPUT_PLAYBOOK: playbook },
    });

  it('uses the bundled playbook when the default path does not exist', () => {
    const r = action('.github/kv-alert-playbook.yml', empty);
    expect(r.stdout).toContain('playbook playbooks/default.yml (bundled) is valid');
    expect(r.status).toBe(0);
  });

  it("uses the repository's .github/kv-alert-playbook.yml when present", () => {
    const repo = mkdtempSync(join(tmpdir(), 'kv-validate-repo-'));
    try {
      mkdirSync(join(repo, '.github'));
      writeFileSync(
        join(repo, '.github/kv-alert-playbook.yml'),
        'version: 1\nrules:\n  - name: all\n    steps: [notifyy]\n',
      );
      const r = action('.github/kv-alert-playbook.yml', repo);
      expect(r.stdout).toContain(
        "::error file=.github/kv-alert-playbook.yml,line=4,col=13::rule 'all'.steps[0]: unknown step kind 'notifyy' (did you mean 'notify'?)",
      );
      expect(r.status).toBe(1);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  it('annotates each problem on the file and fails', () => {
    const r = action('test/fixtures/playbooks/invalid-structure.yml', process.cwd());
    expect(r.stdout).toContain(
      "::error file=test/fixtures/playbooks/invalid-structure.yml,line=6,col=11::duplicate rule name 'everything' (first used at line 4)",
    );
    expect(r.stdout).toContain('::error::playbook test/fixtures/playbooks/invalid-structure.yml has 3 problems');
    expect(r.status).toBe(1);
  });

  it('refuses an explicitly given playbook that does not exist', () => {
    const r = action('ops/playbook.yml', empty);
    expect(r.stdout).toContain('::error::playbook ops/playbook.yml: no such file');
    expect(r.status).toBe(1);
  });
});
