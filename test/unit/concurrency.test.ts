import { describe, expect, it } from 'vitest';
import { CONCURRENCY_ENV, configuredConcurrency, mapLimit, runAll } from '../../src/concurrency.js';
import { UserError } from '../../src/errors.js';

describe('configuredConcurrency', () => {
  it('reads a whole number of at least 1, and nothing when unset or empty', () => {
    expect(configuredConcurrency({ [CONCURRENCY_ENV]: '1' })).toBe(1);
    expect(configuredConcurrency({ [CONCURRENCY_ENV]: ' 4 ' })).toBe(4);
    expect(configuredConcurrency({})).toBeUndefined();
    expect(configuredConcurrency({ [CONCURRENCY_ENV]: '' })).toBeUndefined();
  });

  it('refuses anything else with a message naming the variable', () => {
    for (const bad of ['0', '-1', '1.5', 'one']) {
      expect(() => configuredConcurrency({ [CONCURRENCY_ENV]: bad })).toThrow(UserError);
      expect(() => configuredConcurrency({ [CONCURRENCY_ENV]: bad })).toThrow(CONCURRENCY_ENV);
    }
  });
});

/** Tasks that record when they start and finish, finishing in the order they were given a turn. */
function tracked(count: number) {
  const events: string[] = [];
  let inFlight = 0;
  let most = 0;
  const tasks = Array.from({ length: count }, (_, i) => async () => {
    events.push(`start ${i}`);
    inFlight += 1;
    most = Math.max(most, inFlight);
    await new Promise((resolve) => setImmediate(resolve));
    inFlight -= 1;
    events.push(`end ${i}`);
    return i * 10;
  });
  return { events, tasks, most: () => most };
}

describe('mapLimit and runAll', () => {
  it('with limit 1 runs one task after the other, results in order', async () => {
    const t = tracked(3);
    expect(await runAll(t.tasks, 1)).toEqual([0, 10, 20]);
    expect(t.events).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('without a limit starts every task at once', async () => {
    const t = tracked(4);
    expect(await runAll(t.tasks, undefined)).toEqual([0, 10, 20, 30]);
    expect(t.most()).toBe(4);
  });

  it('keeps at most the limit in flight and every result at its item', async () => {
    const t = tracked(7);
    expect(await mapLimit(t.tasks, 3, (task) => task())).toEqual([0, 10, 20, 30, 40, 50, 60]);
    expect(t.most()).toBe(3);
    expect(await mapLimit([], 3, async () => 1)).toEqual([]);
  });
});
