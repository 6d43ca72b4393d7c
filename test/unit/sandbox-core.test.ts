// Pure parts of the sandbox: fault rule selection, and the harness's parsing of what a run leaves behind.
import { describe, expect, it } from 'vitest';
import { FaultController } from '../sandbox/core/faults.js';
import { actionInputEnv, parseAnnotations, parseOutputFile } from '../sandbox/harness.js';

describe('FaultController', () => {
  const decide = (c: FaultController, n: number, path = '/secrets/a') =>
    Array.from({ length: n }, () => c.decide('keyvault', 'GET', path).fault?.name ?? '-');

  it('fires for the first N matching requests, or only the Nth', () => {
    expect(decide(new FaultController(1, [{ name: 'f', first: 2, fault: { kind: 'reset' } }]), 4)).toEqual([
      'f',
      'f',
      '-',
      '-',
    ]);
    expect(decide(new FaultController(1, [{ name: 'n', nth: 3, fault: { kind: 'hang' } }]), 4)).toEqual([
      '-',
      '-',
      'n',
      '-',
    ]);
  });

  it('matches service, method (any case) and path pattern', () => {
    const c = new FaultController(1, [
      { name: 'm', service: 'keyvault', method: 'put', path: '^/secrets/', fault: { kind: 'reset' } },
    ]);
    expect(c.decide('keyvault', 'PUT', '/secrets/x').fault?.name).toBe('m');
    expect(c.decide('keyvault', 'GET', '/secrets/x').fault).toBeUndefined();
    expect(c.decide('arm', 'PUT', '/secrets/x').fault).toBeUndefined();
    expect(c.decide('keyvault', 'PUT', '/keys/x').fault).toBeUndefined();
  });

  it('draws probabilities from the seed: same seed, same choices; another seed, others', () => {
    const rule = { name: 'p', probability: 0.5, fault: { kind: 'status', status: 503 } } as const;
    const a = decide(new FaultController(42, [rule]), 32);
    expect(decide(new FaultController(42, [rule]), 32)).toEqual(a);
    expect(decide(new FaultController(43, [rule]), 32)).not.toEqual(a);
    expect(a).toContain('p');
    expect(a).toContain('-');
  });

  it('adds up latency (with seeded jitter) and lets the first answering rule win', () => {
    const c = new FaultController(1, [
      { name: 'l1', fault: { kind: 'latency', ms: 10 } },
      { name: 'l2', fault: { kind: 'latency', ms: 5, jitterMs: 4 } },
      { name: 'a', fault: { kind: 'status', status: 500 } },
      { name: 'b', fault: { kind: 'reset' } },
    ]);
    const d = c.decide('arm', 'GET', '/');
    expect(d.latencyMs).toBeGreaterThanOrEqual(15);
    expect(d.latencyMs).toBeLessThan(19);
    expect(d.fault?.name).toBe('a');
    expect(c.status().find((s) => s.name === 'b')).toEqual({ name: 'b', matched: 0, fired: 0 });
  });

  it('adds and removes rules at run time; refuses duplicate names and bad probabilities', () => {
    const c = new FaultController(1);
    const name = c.add({ fault: { kind: 'reset' } });
    expect(() => c.add({ name, fault: { kind: 'reset' } })).toThrow(/already exists/);
    expect(() => c.add({ name: 'x', probability: 2, fault: { kind: 'reset' } })).toThrow(/between 0 and 1/);
    expect(c.decide('logs', 'POST', '/').fault?.name).toBe(name);
    c.remove(name);
    expect(c.decide('logs', 'POST', '/').fault).toBeUndefined();
  });
});

describe('harness parsing', () => {
  it('reads core.setOutput blocks (multi-line values) and plain name=value lines', () => {
    const text =
      'plan<<ghadelimiter_1\n{"a":1}\nsecond line\nghadelimiter_1\nissue-number<<ghadelimiter_2\n7\nghadelimiter_2\nlegacy=yes\n';
    expect(parseOutputFile(text)).toEqual({ plan: '{"a":1}\nsecond line', 'issue-number': '7', legacy: 'yes' });
    expect(() => parseOutputFile('x<<EOF\nno end\n')).toThrow(/no closing delimiter/);
  });

  it('reads ::error:: and ::warning:: workflow commands, unescaped', () => {
    const stdout =
      'plain\n::error::mode validate is not available yet\n::warning file=a.yml,line=3::two%0Alines\n::debug::x\n';
    expect(parseAnnotations(stdout)).toEqual([
      { level: 'error', message: 'mode validate is not available yet' },
      { level: 'warning', message: 'two\nlines' },
    ]);
  });

  it('sets every action.yml input as the runner does: defaults applied, hyphens kept, github.token filled in', () => {
    const env = actionInputEnv({ mode: 'validate' }, 'ghs_x');
    expect(env.INPUT_MODE).toBe('validate');
    expect(env['INPUT_GITHUB-TOKEN']).toBe('ghs_x');
    expect(env['INPUT_DRY-RUN']).toBe('false');
    expect(env.INPUT_PLAYBOOK).toBe('.github/kv-alert-playbook.yml');
    expect(() => actionInputEnv({ 'no-such-input': 'x' }, 't')).toThrow(/not declared in action.yml/);
  });
});
