// Which vault objects a rotate-gate step touches: the ones the impact query found accessed, all of them,
// or a listed set. Shared by the secret, key and certificate steps.
import { listOf, oneOf, text } from '../playbook/shape.js';
import type { ReportParam } from './types.js';

export const SCOPES = ['accessed', 'all', 'listed'] as const;
export type Scope = (typeof SCOPES)[number];

export interface Selection {
  scope: Scope;
  /** Object names, only for scope listed. */
  names: string[];
}

export const selectionShape = {
  scope: oneOf(
    SCOPES,
    'accessed (default): the objects the impact query found read by the caller; all: every object in the vault; listed: the objects in names',
  ),
  names: listOf(
    text('An object name in the vault.', {
      pattern: '^[0-9A-Za-z-]{1,127}$',
      patternHint: 'a Key Vault object name (1-127 letters, digits and hyphens)',
    }),
    'With scope listed: the object names.',
    { minItems: 1 },
  ),
} as const;

export function parseSelection(raw: { scope?: Scope; names?: string[] }, report: ReportParam): Selection {
  const scope = raw.scope ?? 'accessed';
  if (scope === 'listed' && !raw.names) report('scope', "scope 'listed' needs names: [...]");
  if (scope !== 'listed' && raw.names) report('names', 'names apply only with scope: listed');
  return { scope, names: raw.names ?? [] };
}
