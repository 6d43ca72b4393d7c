// New secret values: uniformly random characters from node:crypto (rejection sampling, so no character is
// more likely than another). Callers mask the value before anything else sees it.
import { randomBytes } from 'node:crypto';
import { UserError } from '../errors.js';
import type { CHARSETS } from '../steps/rotate-secrets.js';

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
const DIGITS = '0123456789';

const ALPHABETS: Record<(typeof CHARSETS)[number], string> = {
  alphanumeric: UPPER + LOWER + DIGITS,
  // Printable ASCII without the space (0x21-0x7e): a value that survives trimming and shell quoting mistakes.
  'ascii-printable': Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i)).join(''),
  hex: DIGITS + 'abcdef',
  base64url: UPPER + LOWER + DIGITS + '-_',
};

function alphabet(charset: string): string {
  const chars = (ALPHABETS as Record<string, string | undefined>)[charset];
  if (!chars) throw new UserError(`generator charset '${charset}' is not one of ${Object.keys(ALPHABETS).join(', ')}`);
  return chars;
}

export function generateSecretValue(length: number, charset: string): string {
  const chars = alphabet(charset);
  if (!Number.isInteger(length) || length < 1)
    throw new UserError(`generator length ${length} is not a positive integer`);
  // Bytes at or above the largest multiple of the alphabet size would favour the first characters: drop them.
  const limit = 256 - (256 % chars.length);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length - out.length + 16)) {
      if (byte < limit) out += chars[byte % chars.length];
      if (out.length === length) break;
    }
  }
  return out;
}
