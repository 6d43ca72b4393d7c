import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson, planHash, sha256Hex } from '../../src/plan/canonical.js';

describe('canonicalJson', () => {
  it('sorts keys recursively and writes no whitespace, keeping array order', () => {
    const value = { b: 1, a: { d: [3, 1, 2], c: 'x' }, arr: [{ z: 1, y: 2 }] };
    expect(canonicalJson(value)).toBe('{"a":{"c":"x","d":[3,1,2]},"arr":[{"y":2,"z":1}],"b":1}');
  });

  it('gives the same text whatever order the keys were inserted in', () => {
    const one = { vault: 'v', actions: [{ id: 'a1', gate: 'remediate' }], alertId: 'x' };
    const two = { alertId: 'x', actions: [{ gate: 'remediate', id: 'a1' }], vault: 'v' };
    expect(canonicalJson(one)).toBe(canonicalJson(two));
    expect(planHash(one)).toBe(planHash(two));
  });

  it('changes when an array is reordered (order is meaning)', () => {
    expect(planHash({ a: [1, 2] })).not.toBe(planHash({ a: [2, 1] }));
  });

  it('drops undefined members but keeps null', () => {
    expect(canonicalJson({ a: undefined, b: null, c: { d: undefined } })).toBe('{"b":null,"c":{}}');
  });

  it('sorts by UTF-16 code units and keeps unicode text as-is', () => {
    expect(canonicalJson({ é: 1, z: 2, A: 3, '😀': 4, '': 5 })).toBe('{"":5,"A":3,"z":2,"é":1,"😀":4}');
    expect(canonicalJson('日本語 "q" \\ \n')).toBe('"日本語 \\"q\\" \\\\ \\n"');
  });

  it('writes numbers in the JSON (ES) form', () => {
    expect(canonicalJson([1.0, -0, 1e21, 0.1, 100])).toBe('[1,0,1e+21,0.1,100]');
  });

  it('round-trips: parsing the canonical text and re-serialising gives the same text', () => {
    const value = { z: [true, false, null, 'a\u2028b'], y: { x: 1.5 } };
    const text = canonicalJson(value);
    expect(canonicalJson(JSON.parse(text))).toBe(text);
  });

  it.each([
    ['NaN', { a: Number.NaN }, /\$\.a is NaN/],
    ['Infinity', { a: [Number.POSITIVE_INFINITY] }, /\$\.a\[0\] is Infinity/],
    ['bigint', { a: 1n }, /\$\.a is a bigint/],
    ['function', { a: () => 1 }, /\$\.a is a function/],
    ['undefined array element', [1, undefined], /\$\[1\] is undefined/],
    ['Date', { when: new Date(0) }, /\$\.when is a Date object/],
    ['Map', new Map(), /\$ is a Map object/],
  ])('refuses %s', (_name, value, message) => {
    expect(() => canonicalJson(value)).toThrow(message);
  });

  it('refuses cycles but accepts the same object twice side by side', () => {
    const shared = { k: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"k":1},"b":{"k":1}}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/\$\.self refers back to itself/);
  });
});

describe('sha256Hex and planHash', () => {
  it('hashes the UTF-8 bytes (known vector)', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('is SHA-256 of the literal expected canonical text', () => {
    const plan = {
      version: 1,
      alertId: 'a-1',
      actions: [{ kind: 'firewall', id: 'fw', params: { allow: ['203.0.113.0/24'] }, gate: 'remediate' }],
      note: 'Zürich',
    };
    const expectedText =
      '{"actions":[{"gate":"remediate","id":"fw","kind":"firewall","params":{"allow":["203.0.113.0/24"]}}],' +
      '"alertId":"a-1","note":"Zürich","version":1}';
    const expected = createHash('sha256').update(Buffer.from(expectedText, 'utf8')).digest('hex');
    expect(canonicalJson(plan)).toBe(expectedText);
    expect(planHash(plan)).toBe(expected);
  });
});
