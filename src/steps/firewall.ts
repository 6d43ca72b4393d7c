// Guide step 2 for an unknown IP: turn on the vault firewall with only trusted ranges allowed (gate remediate).
import { resolveNetwork } from '../playbook/conditions.js';
import { flag, listOf, object, oneOf, text } from '../playbook/shape.js';
import type { Cidr } from '../net/ip.js';
import { defineStep } from './types.js';

export interface AllowedNetwork {
  /** The network name or the CIDR as written. */
  name: string;
  ranges: readonly Cidr[];
}

export interface FirewallParams {
  defaultAction: 'Deny' | 'Allow';
  allow: AllowedNetwork[];
  /** Keep callers the impact query saw succeed (other than the alerted source), so the change locks nobody out. */
  keepKnownCallers: boolean;
  bypass: 'AzureServices' | 'None';
}

export const firewall = defineStep({
  kind: 'firewall',
  gate: 'remediate',
  summary: "Set the vault's network rules: deny by default and allow only the listed networks.",
  params: object(
    {
      'default-action': oneOf(['Deny', 'Allow'], 'The action for addresses no rule allows (default Deny).'),
      allow: listOf(
        text('A network name from networks:, or a CIDR.', {
          check: (v, env) => {
            const ranges = resolveNetwork(v, env);
            return typeof ranges === 'string' ? ranges : undefined;
          },
        }),
        'Networks to allow, by name or CIDR (added to the rules the vault already has).',
      ),
      'keep-known-callers': flag(
        'Keep allowing addresses that used the vault successfully in the lookback window, except the alerted one (default true).',
      ),
      bypass: oneOf(
        ['AzureServices', 'None'],
        'Whether trusted Azure services bypass the firewall (default AzureServices).',
      ),
    },
    'Firewall parameters.',
  ),
  parseParams: (raw, env, report): FirewallParams => {
    const allow: AllowedNetwork[] = [];
    for (const name of raw.allow ?? []) {
      const ranges = resolveNetwork(name, env);
      if (typeof ranges === 'string') report('allow', ranges);
      else allow.push({ name, ranges });
    }
    return {
      defaultAction: raw['default-action'] ?? 'Deny',
      allow,
      keepKnownCallers: raw['keep-known-callers'] ?? true,
      bypass: raw.bypass ?? 'AzureServices',
    };
  },
});
