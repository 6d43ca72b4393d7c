// Who the action signs in as: the object id (oid claim) of the ARM token its credential gets. Used to make sure
// no change ever removes the action's own access.
import { UserError } from '../errors.js';
import { jwtClaims } from '../jwt.js';
import type { AzureContext } from './context.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The `oid` claim of a JWT access token, or undefined when the token carries none (the token is not verified: it is ours). */
function objectIdOfToken(token: string): string | undefined {
  const oid = jwtClaims(token)?.oid;
  return typeof oid === 'string' && GUID.test(oid) ? oid.toLowerCase() : undefined;
}

export async function selfObjectId(az: AzureContext): Promise<string> {
  const token = await az.credential.getToken(az.cloud.armScope);
  if (!token) throw new UserError('Azure: the credential returned no token for ARM');
  const oid = objectIdOfToken(token.token);
  if (!oid)
    throw new UserError("Azure: the ARM token has no object id (oid claim); cannot tell the action's own identity");
  return oid;
}
