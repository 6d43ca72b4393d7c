import { describe, expect, it } from 'vitest';
import { cidrContains, formatCidr, ipRange, parseCidr, parseIp } from '../../src/net/ip.js';

describe('parseIp', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    [' 198.51.100.1 ', '198.51.100.1'],
    ['2001:DB8::1', '2001:db8::1'],
    ['::ffff:1.2.3.4', '1.2.3.4'],
  ])('accepts %s as %s', (input, expected) => expect(parseIp(input)).toBe(expected));

  it.each([
    '00.00.00.00',
    '010.1.1.1',
    '1.2.3.4/0',
    '1.2.3',
    '256.1.1.1',
    '0x7f.0.0.1',
    '2130706433',
    'fe80::1%eth0',
    '',
    'evil',
  ])('refuses %s', (input) => expect(parseIp(input)).toBeUndefined());
});

describe('parseCidr and cidrContains', () => {
  it('parses ranges and bare addresses', () => {
    expect(formatCidr(parseCidr('198.51.100.0/24')!)).toBe('198.51.100.0/24');
    expect(formatCidr(parseCidr('203.0.113.7')!)).toBe('203.0.113.7/32');
    expect(formatCidr(parseCidr('2001:db8:1::/48')!)).toBe('2001:db8:1::/48');
  });

  it.each(['198.51.100.0/33', '198.51.100.0/', '198.51.100.0/-1', '2001:db8::/129', 'corp', '1.2.3.4/1e1'])(
    'refuses %s',
    (input) => expect(parseCidr(input)).toBeUndefined(),
  );

  it('matches addresses of the same family inside the range only', () => {
    const v4 = parseCidr('198.51.100.0/24')!;
    expect(cidrContains(v4, '198.51.100.200')).toBe(true);
    expect(cidrContains(v4, '198.51.101.1')).toBe(false);
    expect(cidrContains(v4, '::ffff:198.51.100.9')).toBe(true);
    const v6 = parseCidr('2001:db8:1::/48')!;
    expect(cidrContains(v6, '2001:db8:1:ffff::1')).toBe(true);
    expect(cidrContains(v6, '198.51.100.200')).toBe(false);
  });
});

describe('ipRange', () => {
  it('names private and public ranges', () => {
    expect(ipRange('10.1.2.3')).toBe('private');
    expect(ipRange('127.0.0.1')).toBe('loopback');
    expect(ipRange('20.61.146.97')).toBe('unicast');
  });
});
