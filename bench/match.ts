// One alert against the 1,000-rule playbook, timed in process (the vitest bench in match.bench.ts gives the detail).
import { matchAlert } from '../src/playbook/index.js';
import { alert, playbook } from './match-fixture.js';

export function matchRun(): number {
  const started = performance.now();
  const result = matchAlert(playbook, alert);
  const ms = performance.now() - started;
  if (result.matched.at(-1)?.name !== 'last') throw new Error('1,000-rule match: unexpected result');
  return ms;
}
