/**
 * An error the user can act on: bad input, a refused change, a missing permission.
 * Entry points print its message as one line and exit 1; anything else is unexpected (exit 2).
 */
export class UserError extends Error {
  override name = 'UserError';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
