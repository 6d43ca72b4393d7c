import { describe, expect, it } from 'vitest';
import { generateSecretValue } from '../../src/apply/secrets-value.js';
import { UserError } from '../../src/errors.js';

describe('generateSecretValue', () => {
  const cases = [
    ['alphanumeric', /^[A-Za-z0-9]+$/, 62],
    ['hex', /^[0-9a-f]+$/, 16],
    ['base64url', /^[A-Za-z0-9_-]+$/, 64],
    ['ascii-printable', /^[!-~]+$/, 94],
  ] as const;

  it.each(cases)(
    '%s: the requested length, only characters of the set, every character reachable',
    (charset, re, size) => {
      const value = generateSecretValue(4096, charset);
      expect(value).toHaveLength(4096);
      expect(value).toMatch(re);
      // 4096 draws from at most 94 characters: missing one has probability below 1e-15.
      expect(new Set(value).size).toBe(size);
    },
  );

  it('gives a different value each time', () => {
    expect(generateSecretValue(32, 'alphanumeric')).not.toBe(generateSecretValue(32, 'alphanumeric'));
  });

  it('refuses an unknown charset or a bad length with a clear message', () => {
    expect(() => generateSecretValue(32, 'emoji')).toThrow(UserError);
    expect(() => generateSecretValue(32, 'emoji')).toThrow(
      "generator charset 'emoji' is not one of alphanumeric, ascii-printable, hex, base64url",
    );
    expect(() => generateSecretValue(0, 'hex')).toThrow('generator length 0 is not a positive integer');
  });
});
