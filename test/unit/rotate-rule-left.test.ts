// The rotate gate stays incomplete while a temporary firewall rule of ours is still on the vault, whichever run
// added it: someone must remove it (or run the job again), and the issue must not close as if all were done.
import { describe, expect, it } from 'vitest';
import type { RotateResult } from '../../src/apply/rotate-types.js';
import type { TemporaryFirewallRule } from '../../src/apply/firewall-exception.js';
import { ruleLeftBehind } from '../../src/modes/rotate.js';

const result = (rule?: TemporaryFirewallRule): RotateResult => ({
  actionId: 'rotate-1-rotate-secrets',
  kind: 'rotate-secrets',
  status: 'done',
  objects: [],
  ...(rule ? { temporaryFirewallRule: rule } : {}),
});
const rule = (fields: Partial<TemporaryFirewallRule>): TemporaryFirewallRule => ({
  vault: 'kv-payments-prod',
  rule: '203.0.113.200/32',
  added: false,
  removed: false,
  ...fields,
});

describe('ruleLeftBehind', () => {
  it('names a rule this run added and could not remove', () => {
    expect(ruleLeftBehind([result(rule({ added: true, error: 'removing it failed' }))])).toBe(
      'the temporary firewall rule 203.0.113.200/32 is still on vault kv-payments-prod: removing it failed',
    );
  });

  it('names a rule an interrupted earlier run left that this run could not remove', () => {
    expect(ruleLeftBehind([result(rule({ leftByEarlierRun: true }))])).toMatch(
      /^the temporary firewall rule 203\.0\.113\.200\/32 is still on vault kv-payments-prod/,
    );
  });

  it('is silent when the rule was removed, or when the run needed none', () => {
    expect(ruleLeftBehind([result(rule({ added: true, removed: true }))])).toBeUndefined();
    expect(ruleLeftBehind([result(rule({ leftByEarlierRun: true, removed: true }))])).toBeUndefined();
    expect(ruleLeftBehind([result()])).toBeUndefined();
  });
});
