import { describe, expect, it } from 'vitest';
import { countByService, criticalPath, maxInFlight } from '../../bench/requests.js';
import { summarize } from '../../bench/stats.js';

const r = (name: string, start: number, end: number, service = 'github') => ({ name, start, end, service });
const names = (log: { name: string }[]) => log.map((x) => x.name);

describe('criticalPath', () => {
  it('is empty for an empty log and one request for one request', () => {
    expect(criticalPath([])).toEqual([]);
    expect(names(criticalPath([r('a', 0, 10)]))).toEqual(['a']);
  });

  it('counts parallel requests as one round trip, through the slowest of them', () => {
    const log = [r('oidc', 0, 10), r('vault', 12, 30), r('roles', 12, 25), r('diag', 13, 28), r('write', 31, 40)];
    expect(names(criticalPath(log))).toEqual(['oidc', 'vault', 'write']);
  });

  it('takes the longest chain, not the one that ends last', () => {
    // a → b → c is three round trips; d spans them all and ends last, but is one.
    const log = [r('d', 0, 100), r('a', 1, 10), r('b', 10, 20), r('c', 25, 30)];
    expect(names(criticalPath(log))).toEqual(['a', 'b', 'c']);
  });

  it('does not chain overlapping requests, whatever the log order', () => {
    const log = [r('late', 50, 60), r('x', 0, 20), r('y', 15, 40), r('z', 41, 45)];
    expect(criticalPath(log)).toHaveLength(3);
    // x and y overlap: z waited for y, the later of the two.
    expect(names(criticalPath(log))).toEqual(['y', 'z', 'late']);
  });
});

describe('maxInFlight', () => {
  it('finds the most requests overlapping at one instant; back-to-back requests do not overlap', () => {
    expect(maxInFlight([])).toBe(0);
    expect(maxInFlight([r('a', 0, 10), r('b', 10, 20), r('c', 20, 30)])).toBe(1);
    expect(maxInFlight([r('a', 0, 10), r('b', 5, 15), r('c', 6, 7), r('d', 14, 20)])).toBe(3);
  });
});

describe('countByService', () => {
  it('counts requests per service', () => {
    const log = [r('a', 0, 1, 'entra'), r('b', 1, 2, 'arm'), r('c', 2, 3, 'arm')];
    expect(countByService(log)).toEqual({ entra: 1, arm: 2 });
  });
});

describe('summarize', () => {
  it('gives the median (mean of the middle two for an even count), min and max', () => {
    expect(summarize([5, 1, 3])).toEqual({ median: 3, min: 1, max: 5, runs: 3 });
    expect(summarize([4, 1, 3, 10])).toEqual({ median: 3.5, min: 1, max: 10, runs: 4 });
    expect(() => summarize([])).toThrow();
  });
});
