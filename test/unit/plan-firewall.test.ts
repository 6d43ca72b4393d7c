import { describe, expect, it } from 'vitest';
import { parseCidr, type Cidr } from '../../src/net/ip.js';
import { planFirewall, type NetworkRules } from '../../src/plan/firewall.js';

const open: NetworkRules = { defaultAction: 'Allow', bypass: 'AzureServices', ipRules: [], virtualNetworkRules: [] };
const cidrs = (...values: string[]): Cidr[] => values.map((v) => parseCidr(v)!);

describe('planFirewall', () => {
  it('turns an open vault into Deny with the playbook networks and keeps bypass', () => {
    const plan = planFirewall({
      current: open,
      suspiciousIp: '203.0.113.66',
      allow: cidrs('198.51.100.0/24'),
      recentCallers: [],
      keepKnownCallers: false,
    });
    expect(plan.after).toEqual({
      defaultAction: 'Deny',
      bypass: 'AzureServices',
      ipRules: ['198.51.100.0/24'],
      virtualNetworkRules: [],
    });
    expect(plan.added).toEqual(['198.51.100.0/24']);
    expect(plan.lockedOut).toEqual([]);
  });

  it('keeps existing rules and vnet rules but removes the rule that admits only the suspicious caller', () => {
    const plan = planFirewall({
      current: {
        defaultAction: 'Deny',
        bypass: 'None',
        ipRules: ['203.0.113.66', '192.0.2.0/24'],
        virtualNetworkRules: [
          '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/a',
        ],
      },
      suspiciousIp: '203.0.113.66',
      allow: [],
      recentCallers: [],
      keepKnownCallers: false,
    });
    expect(plan.removed).toEqual(['203.0.113.66']);
    expect(plan.after.ipRules).toEqual(['192.0.2.0/24']);
    expect(plan.after.virtualNetworkRules).toHaveLength(1);
    expect(plan.after.bypass).toBe('None');
  });

  it('adds recent callers as /32 when keeping known callers, and never the suspicious one', () => {
    const plan = planFirewall({
      current: open,
      suspiciousIp: '203.0.113.66',
      allow: cidrs('198.51.100.0/24', '203.0.113.0/24'),
      recentCallers: [
        { ip: '192.0.2.10', count: 40, lastSeen: '2026-11-28T10:00:00Z' },
        { ip: '198.51.100.7', count: 3, lastSeen: '2026-11-28T11:00:00Z' },
      ],
      keepKnownCallers: true,
    });
    expect(plan.after.ipRules).toEqual(['198.51.100.0/24', '192.0.2.10']);
    expect(plan.skipped).toEqual([{ value: '203.0.113.0/24', reason: 'contains the suspicious caller address' }]);
    expect(plan.lockedOut).toEqual([]);
  });

  it('lists the recent callers the new rules would cut off (lock-out guard)', () => {
    const plan = planFirewall({
      current: open,
      suspiciousIp: '203.0.113.66',
      allow: cidrs('198.51.100.0/24'),
      recentCallers: [
        { ip: '192.0.2.10', count: 40, lastSeen: '2026-11-28T10:00:00Z' },
        { ip: '198.51.100.9', count: 2, lastSeen: '2026-11-28T09:00:00Z' },
      ],
      keepKnownCallers: false,
    });
    expect(plan.lockedOut).toEqual([{ ip: '192.0.2.10', count: 40, lastSeen: '2026-11-28T10:00:00Z' }]);
  });

  it('skips IPv6 ranges, which Key Vault rules cannot hold, and says so', () => {
    const plan = planFirewall({
      current: open,
      allow: cidrs('2001:db8:1::/48'),
      recentCallers: [{ ip: '2001:db8:1::5', count: 1, lastSeen: '2026-11-28T09:00:00Z' }],
      keepKnownCallers: false,
    });
    expect(plan.after.ipRules).toEqual([]);
    expect(plan.skipped).toEqual([{ value: '2001:db8:1::/48', reason: 'Key Vault firewall rules accept IPv4 only' }]);
    expect(plan.lockedOut).toHaveLength(1);
  });

  it('does not add a range already covered by an existing wider rule', () => {
    const plan = planFirewall({
      current: { ...open, ipRules: ['198.51.0.0/16'] },
      allow: cidrs('198.51.100.0/24'),
      recentCallers: [],
      keepKnownCallers: false,
    });
    expect(plan.added).toEqual([]);
    expect(plan.after.ipRules).toEqual(['198.51.0.0/16']);
  });
});
