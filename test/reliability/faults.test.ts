// The fault matrix: every Azure and GitHub route triage uses × {429 with Retry-After, 429 without, 500, 503,
// connection reset, hang}, injected on the first requests of that route. Each run must complete (after
// retries) or fail with one clear error line, and leave no issue or one complete issue; nothing it wrote may
// hold a secret or a token. `npm test` runs a few representative cells; `npm run reliability` (which sets
// KV_RELIABILITY=full) runs them all.
import { afterAll, describe, expect, it } from 'vitest';
import { recordFigures } from '../corpus/support.js';
import {
  FAULTS,
  leaks,
  REQUEST_TIMEOUT_MS,
  RUN_BOUND_MS,
  scenario,
  triage,
  verdict,
  withSandbox,
  type FaultRule,
  type RunVerdict,
} from './support.js';

type Service = NonNullable<FaultRule['service']>;

/** The routes a triage run of the scenario calls, in call order (seen in the request log). */
const ROUTES: { name: string; service: Service; method: string; path: RegExp }[] = [
  { name: 'GitHub OIDC token', service: 'github', method: 'GET', path: /^\/_sandbox\/actions\/idtoken/ },
  { name: 'Entra token', service: 'entra', method: 'POST', path: /\/oauth2\/v2\.0\/token/ },
  { name: 'ARM vault', service: 'arm', method: 'GET', path: /\/vaults\/[^/]+\?/ },
  { name: 'ARM diagnostic settings', service: 'arm', method: 'GET', path: /\/diagnosticSettings\?/ },
  { name: 'ARM role assignments', service: 'arm', method: 'GET', path: /\/roleAssignments\?/ },
  { name: 'ARM workspace', service: 'arm', method: 'GET', path: /\/workspaces\/[^/]+\?/ },
  { name: 'Log Analytics query', service: 'logs', method: 'POST', path: /\/query$/ },
  { name: 'GitHub issues list', service: 'github', method: 'GET', path: /^\/repos\/[^/]+\/[^/]+\/issues\?/ },
  { name: 'GitHub labels list', service: 'github', method: 'GET', path: /^\/repos\/[^/]+\/[^/]+\/labels\?/ },
  { name: 'GitHub label create', service: 'github', method: 'POST', path: /^\/repos\/[^/]+\/[^/]+\/labels$/ },
  { name: 'GitHub issue create', service: 'github', method: 'POST', path: /^\/repos\/[^/]+\/[^/]+\/issues$/ },
];

const FULL = process.env.KV_RELIABILITY === 'full';
/** The cells `npm test` runs: one Azure read, one GitHub write, the token exchange, each a different fault. */
const FAST = new Set([
  'ARM vault × 503',
  'GitHub issue create × 429 Retry-After 1',
  'Entra token × reset',
  'Log Analytics query × 500 always',
]);

const cells = ROUTES.flatMap((route) =>
  FAULTS.map((fault) => ({ route, fault, name: `${route.name} × ${fault.name}` })),
);
const chosen = FULL ? cells : cells.filter((c) => FAST.has(c.name));
const results = new Map<string, RunVerdict & { leaks: string[]; faultsFired: number }>();

describe.concurrent('fault matrix: triage', () => {
  afterAll(() => {
    const all = [...results.entries()].map(([cell, r]) => ({ cell, ...r }));
    recordFigures('faults', {
      injected: all.length,
      completed: all.filter((r) => r.kind === 'completed').length,
      failedClearly: all.filter((r) => r.kind === 'failed-clearly').length,
      failedUnclearly: all.filter((r) => r.kind === 'failed-unclearly').length,
      hung: all.filter((r) => r.kind === 'hung').map((r) => r.cell),
      bad: all.filter((r) => r.kind === 'bad').map((r) => `${r.cell}: ${'why' in r ? r.why : ''}`),
      notFired: all.filter((r) => r.faultsFired === 0).map((r) => r.cell),
      messages: all.flatMap((r) => ('message' in r ? [`${r.cell} [${r.kind}]: ${r.message}`] : [])),
      leaks: all.flatMap((r) => r.leaks),
    });
  });

  it.each(chosen)(
    '$name',
    async ({ route, fault, name }) => {
      const rule: FaultRule = {
        name,
        service: route.service,
        method: route.method,
        path: route.path,
        fault: fault.fault,
        first: fault.first,
      };
      await withSandbox(scenario(), [rule], async (sandbox) => {
        const run = await triage(sandbox, RUN_BOUND_MS, {
          KV_ALERT_PLAYBOOK_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
        });
        const v = verdict(run, sandbox);
        const fired = run.requests.filter((r) => r.fault === name).length;
        const found = leaks([run], sandbox);
        results.set(name, { ...v, leaks: found, faultsFired: fired });
        expect(fired, 'the fault was injected').toBeGreaterThan(0);
        expect(found).toEqual([]);
        // The invariants fail the test: a consistent end state, and no leak. A hang the harness had to kill (a
        // call past the request timeout, F1) and an error that names no service (F2) are product findings:
        // recorded and listed in RELIABILITY.md, not hidden.
        expect(v.kind === 'bad' ? v.why : v.kind).toMatch(/^(completed|failed-clearly|failed-unclearly|hung)$/);
      });
    },
    RUN_BOUND_MS + 30_000,
  );
});
