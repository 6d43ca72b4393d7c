// Untrusted JSON in: size, nesting and string-length limits, then JSON.parse. Pure; the caller reads files.
import { UserError, errorMessage } from '../errors.js';
import { isObject, typeName, type JsonObject } from './fields.js';

/** Largest alert payload accepted, in bytes of JSON text (a Defender alert is a few KiB). */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;
/** Deepest nesting accepted (Defender entities nest about 5 levels). */
const MAX_DEPTH = 32;
/** Longest single string accepted anywhere in the payload. */
const MAX_STRING = 64 * 1024;

/** Parses JSON text that must hold one object. `what` names the input in messages (e.g. "client_payload.alert"). */
export function parseJsonObject(text: string, what: string): JsonObject {
  const value = parseJson(text, what);
  if (!isObject(value)) throw new UserError(`${what}: expected a JSON object, got ${typeName(value)}`);
  return value;
}

/** Parses JSON text within the limits above (also used for the JSON strings inside a Log Analytics row). */
export function parseJson(text: string, what: string): unknown {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_PAYLOAD_BYTES) throw new UserError(`${what}: ${bytes} bytes is over the 1 MiB limit`);
  if (text.trim() === '') throw new UserError(`${what}: empty (expected JSON)`);
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, '')); // files saved on Windows may start with a BOM
  } catch (error) {
    throw new UserError(`${what}: not valid JSON (${errorMessage(error).replace(/\s+/g, ' ')})`);
  }
  checkShape(value, what);
  return value;
}

/** Refuses already-parsed values (e.g. an event payload) that are too large, too deep or hold huge strings. */
export function checkPayload(value: JsonObject, what: string): void {
  checkShape(value, what); // first: a hostile depth would overflow JSON.stringify
  const bytes = Buffer.byteLength(JSON.stringify(value), 'utf8');
  if (bytes > MAX_PAYLOAD_BYTES) throw new UserError(`${what}: ${bytes} bytes is over the 1 MiB limit`);
}

function checkShape(root: unknown, what: string): void {
  // Iterative, so a hostile nesting depth cannot overflow the stack before we refuse it.
  const stack: { value: unknown; depth: number }[] = [{ value: root, depth: 1 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.length > MAX_STRING) throw new UserError(`${what}: a string of ${value.length} characters is too long`);
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_DEPTH) throw new UserError(`${what}: nested deeper than ${MAX_DEPTH} levels`);
    const children = Array.isArray(value) ? value : [...Object.keys(value), ...Object.values(value)];
    for (const child of children) stack.push({ value: child, depth: depth + 1 });
  }
}
