// Matching one alert against a 1,000-rule playbook (target: under 20 ms). Run: npm run bench:match.
import { bench, describe } from 'vitest';
import { loadPlaybook, matchAlert } from '../src/playbook/index.js';
import { alert, playbook, RULES, text } from './match-fixture.js';

describe(`${RULES}-rule playbook`, () => {
  bench('match 1 alert (all rules evaluated, with explanations)', () => {
    const result = matchAlert(playbook, alert);
    if (result.matched.at(-1)?.name !== 'last') throw new Error('unexpected match');
  });

  bench('load and validate the playbook (YAML to typed rules)', () => {
    if (!loadPlaybook(text).ok) throw new Error('invalid');
  });
});
