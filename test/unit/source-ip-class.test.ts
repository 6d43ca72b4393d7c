import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { cidrContains, parseCidr, type Cidr } from '../../src/net/ip.js';
import { classifyIp, indexServiceTags } from '../../src/source/ip-class.js';

const cidrs = (...texts: string[]): Cidr[] => texts.map((t) => parseCidr(t)!);

// Our own miniature of the public ServiceTags_Public_*.json shape (values, properties.addressPrefixes).
const serviceTags = indexServiceTags({
  changeNumber: 300,
  cloud: 'Public',
  values: [
    {
      name: 'AzureCloud',
      id: 'AzureCloud',
      properties: {
        changeNumber: 1,
        region: '',
        platform: 'Azure',
        systemService: '',
        addressPrefixes: ['20.33.0.0/16', '20.61.0.0/16', '2603:1000::/24'],
      },
    },
    {
      name: 'AzureCloud.westeurope',
      id: 'AzureCloud.westeurope',
      properties: { region: 'westeurope', addressPrefixes: ['20.61.0.0/16', '2603:1020:200::/46'] },
    },
    {
      name: 'AzureKeyVault.WestEurope',
      id: 'AzureKeyVault.WestEurope',
      properties: { region: 'westeurope', systemService: 'AzureKeyVault', addressPrefixes: ['20.61.146.0/24'] },
    },
    { name: 'Empty', properties: { addressPrefixes: [] } },
  ],
});

const networks = {
  corp: cidrs('198.51.100.0/24', '2001:db8:1::/48'),
  vpn: cidrs('45.33.32.0/24'),
  lab: cidrs('10.0.0.0/8'),
};
const allowList = ['45.33.32.156', '20.61.146.97/32', 'not-a-rule', '52.0.0.0/8'];

describe('classifyIp', () => {
  it('reports an ordinary public address in nothing known as unknown', () => {
    const c = classifyIp({ ip: '8.8.4.4', networks, allowList, serviceTags });
    expect(c.classes).toEqual(['unknown']);
    expect(c.range).toBe('unicast');
    expect(c.azureChecked).toBe(true);
    expect(c.explanation).toBe(
      '8.8.4.4 is a public address in no playbook network, not in the vault firewall allow-list, in no Azure service tag: unknown source.',
    );
  });

  it('says when Azure ranges were not checked', () => {
    const c = classifyIp({ ip: '8.8.4.4' });
    expect(c.classes).toEqual(['unknown']);
    expect(c.azureChecked).toBe(false);
    expect(c.explanation).toContain('Azure ranges not checked (no Service Tags file)');
  });

  it.each([
    ['10.1.2.3', 'private'],
    ['192.168.0.10', 'private'],
    ['172.16.5.4', 'private'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['127.0.0.1', 'loopback'],
    ['169.254.169.254', 'linkLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['fe80::1', 'linkLocal'],
    ['::1', 'loopback'],
  ])('classifies %s as private (%s)', (ip, range) => {
    const c = classifyIp({ ip });
    expect(c.classes).toEqual(['private']);
    expect(c.range).toBe(range);
    expect(c.explanation).toMatch(
      /private address.*: the request came through a private network, VNet or private endpoint/,
    );
  });

  it.each([
    ['203.0.113.7', 'reserved'],
    ['2001:db8::7', 'reserved'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
  ])('classifies %s as reserved (%s)', (ip, range) => {
    const c = classifyIp({ ip });
    expect(c.classes).toEqual(['reserved']);
    expect(c.range).toBe(range);
    expect(c.explanation).toContain('not routed on the public internet');
  });

  it('names every playbook network that contains the IP, with the owner warning', () => {
    const c = classifyIp({ ip: '45.33.32.156', networks: { ...networks, all: cidrs('0.0.0.0/0') }, serviceTags });
    expect(c.classes).toEqual(['playbook-network']);
    expect(c.networks).toEqual(['vpn', 'all']);
    expect(c.explanation).toContain('in playbook network vpn, all');
    expect(c.explanation).toContain('a familiar network is no proof of a legitimate caller: confirm with its owner');
  });

  it('matches IPv6 playbook networks and leaves other families alone', () => {
    expect(classifyIp({ ip: '2001:db8:1::99', networks }).networks).toEqual(['corp']);
    expect(classifyIp({ ip: '198.51.100.1', networks: { v6: cidrs('::/0') } }).networks).toEqual([]);
  });

  it('finds the vault firewall rules that already allow the IP, as written, ignoring malformed rules', () => {
    const c = classifyIp({ ip: '45.33.32.156', allowList });
    expect(c.classes).toEqual(['vault-allow-list']);
    expect(c.allowListRules).toEqual(['45.33.32.156']);
    expect(classifyIp({ ip: '52.1.2.3', allowList }).allowListRules).toEqual(['52.0.0.0/8']);
  });

  it('names the Azure service tags, most specific first, and warns that Azure is not "ours"', () => {
    const c = classifyIp({ ip: '20.61.146.97', serviceTags });
    expect(c.classes).toEqual(['azure']);
    expect(c.serviceTags).toEqual([
      {
        name: 'AzureKeyVault.WestEurope',
        prefix: '20.61.146.0/24',
        region: 'westeurope',
        systemService: 'AzureKeyVault',
      },
      { name: 'AzureCloud', prefix: '20.61.0.0/16' },
      { name: 'AzureCloud.westeurope', prefix: '20.61.0.0/16', region: 'westeurope' },
    ]);
    expect(c.explanation).toContain(
      'in Azure range AzureKeyVault.WestEurope (20.61.146.0/24), AzureCloud (20.61.0.0/16)',
    );
    expect(c.explanation).toContain('a Microsoft/Azure address does not make the caller yours');
    expect(c.explanation).toContain('it can still be an outside attacker');
  });

  it('matches IPv6 Azure ranges', () => {
    expect(classifyIp({ ip: '2603:1020:200::5', serviceTags }).serviceTags.map((t) => t.name)).toEqual([
      'AzureCloud.westeurope',
      'AzureCloud',
    ]);
  });

  it('reports every class that applies together', () => {
    const c = classifyIp({
      ip: '20.61.146.97',
      networks: { azureVms: cidrs('20.61.146.96/28') },
      allowList,
      serviceTags,
    });
    expect(c.classes).toEqual(['playbook-network', 'vault-allow-list', 'azure']);
    expect(c.explanation).toMatch(
      /^20\.61\.146\.97 is in playbook network azureVms; already allowed by vault firewall rule 20\.61\.146\.97\/32; in Azure range .*confirm with its owner\.$/,
    );
  });

  it('canonicalises the IP (IPv4-mapped IPv6, upper-case IPv6)', () => {
    expect(classifyIp({ ip: '::ffff:20.61.146.97', serviceTags }).ip).toBe('20.61.146.97');
    expect(classifyIp({ ip: '2603:1020:200::A' }).ip).toBe('2603:1020:200::a');
  });

  it.each(['', 'evil', '1.2.3.4/32', '1.2.3.4 | take 1', '010.0.0.1'])('refuses %j as a caller IP', (ip) => {
    expect(() => classifyIp({ ip })).toThrow(UserError);
  });
});

describe('indexServiceTags', () => {
  it.each([
    ['not an object', 'nope', /no "values" array/],
    ['no values', { value: [] }, /no "values" array/],
    [
      'an entry without prefixes',
      { values: [{ name: 'X', properties: {} }] },
      /values\[0\] has no name or no addressPrefixes/,
    ],
    ['an entry without a name', { values: [{ properties: { addressPrefixes: [] } }] }, /values\[0\]/],
    [
      'a bad prefix',
      { values: [{ name: 'X', properties: { addressPrefixes: ['20.0.0.0/99'] } }] },
      /X has a prefix "20.0.0.0\/99"/,
    ],
  ])('refuses %s', (_name, json, message) => {
    expect(() => indexServiceTags(json)).toThrow(UserError);
    expect(() => indexServiceTags(json)).toThrow(message);
  });

  it('finds exactly the tags a full scan finds, whatever the prefix length or notation', () => {
    const prefixes = [
      '0.0.0.0/0',
      '20.0.0.0/7',
      '20.0.0.0/8',
      '20.61.0.0/16',
      '20.61.128.0/17',
      '20.61.146.97/32',
      '21.0.0.0/8',
      '::/0',
      '::ffff:0:0/96',
      '2000::/3',
      '2603::/12',
      '2603::/24',
      '2603:1020::/32',
      '2603:1020:200::/46',
      '2603:1020:0200:0000::/64',
      '2a01:111::/32',
    ];
    const index = indexServiceTags({
      values: prefixes.map((p) => ({ name: p, properties: { addressPrefixes: [p] } })),
    });
    const ips = [
      '20.61.146.97',
      '20.61.1.1',
      '21.1.1.1',
      '22.0.0.1',
      '2603:1020:200::5',
      '2603:ff::1',
      '2603::1',
      '2a01:111:f::1',
      '::1',
      '8.8.8.8',
    ];
    for (const ip of ips) {
      const fullScan = prefixes.filter((p) => cidrContains(parseCidr(p)!, ip));
      const found = classifyIp({ ip, serviceTags: index }).serviceTags.map((t) => t.name);
      expect([...found].sort(), ip).toEqual([...fullScan].sort());
    }
  });

  it('accepts an empty file (nothing is Azure)', () => {
    expect(classifyIp({ ip: '20.61.146.97', serviceTags: indexServiceTags({ values: [] }) }).classes).toEqual([
      'unknown',
    ]);
  });
});
