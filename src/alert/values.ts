// Strict checks for single values taken from an alert. Pure; no I/O.
// Everything here treats its input as untrusted: a value either passes a strict shape or is refused.

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ZERO_GUID = '00000000-0000-0000-0000-000000000000';

export type Checked = { ok: true; value: string } | { ok: false; reason: string };

/** A principal, application or tenant id: a GUID, lower-cased; the all-zero GUID names nobody. */
export function checkGuid(text: string): Checked {
  const t = text.trim();
  if (!GUID.test(t)) return { ok: false, reason: 'not a GUID' };
  const value = t.toLowerCase();
  if (value === ZERO_GUID) return { ok: false, reason: 'the all-zero GUID is a placeholder, not a real id' };
  return { ok: true, value };
}

export function isGuid(text: string): boolean {
  return GUID.test(text);
}

// user@domain.tld: no spaces or control characters; guest UPNs (`a_b.com#EXT#@t.onmicrosoft.com`) pass.
const UPN = /^[A-Za-z0-9._%+\-'!#$&*/=?^`{|}~]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
const UPN_MAX = 256;

/** Exactly a UPN: surrounding whitespace is refused too, as it never occurs in a real one. */
export function checkUpn(text: string): Checked {
  if (text.length > UPN_MAX) return { ok: false, reason: `longer than ${UPN_MAX} characters` };
  if (!UPN.test(text)) return { ok: false, reason: 'not a user principal name (user@domain)' };
  return { ok: true, value: text };
}

// Characters that could hide or reorder text in a terminal or an issue: C0/C1 controls, zero-width and bidi marks.
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g;

/** Free text for display: unsafe characters become one space; at most `max` characters (an ellipsis marks a cut). */
export function cleanText(text: string, max: number): { value: string; truncated: boolean } {
  const clean = text.replace(UNSAFE_CHARS, ' ').trim();
  const chars = Array.from(clean);
  if (chars.length <= max) return { value: clean, truncated: false };
  return { value: `${chars.slice(0, max - 1).join('')}…`, truncated: true };
}

/** A short, escaped rendering of an untrusted value for warnings and errors. */
export function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  const chars = Array.from(text ?? String(value));
  const short = chars.length > 200 ? `${chars.slice(0, 199).join('')}…` : text;
  return JSON.stringify(short);
}

// ISO 8601 with a date and a time; fractions of any length (Defender sends 7 digits); `Z`, an offset, or no zone
// (fields named *Utc, and Log Analytics datetimes, are UTC).
const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})?$/i;
// ExtendedProperties "Start Time UTC": "02/20/2025 18:44:10" (US order, no zone, UTC by name).
const US = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})$/;

function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): Date | undefined {
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
  const same =
    date.getUTCFullYear() === y &&
    date.getUTCMonth() === mo - 1 &&
    date.getUTCDate() === d &&
    date.getUTCHours() === h &&
    date.getUTCMinutes() === mi &&
    date.getUTCSeconds() === s;
  return same ? date : undefined;
}

/** ISO 8601 UTC with millisecond precision (finer fractions are cut, not rounded), or undefined. */
export function parseIsoTime(text: string): string | undefined {
  const m = ISO.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = frac ? Number(frac.padEnd(3, '0').slice(0, 3)) : 0;
  const date = utc(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), ms);
  if (!date) return undefined;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const [oh, om] = zone.slice(1).split(':').map(Number) as [number, number];
    if (oh > 23 || om > 59) return undefined;
    date.setTime(date.getTime() - sign * (oh * 60 + om) * 60_000);
  }
  return date.toISOString();
}

/** `MM/dd/yyyy HH:mm:ss` (UTC) → ISO 8601 UTC, or undefined. */
export function parseUsTime(text: string): string | undefined {
  const m = US.exec(text.trim());
  if (!m) return undefined;
  const [, mo, d, y, h, mi, s] = m;
  return utc(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), 0)?.toISOString();
}
