// Guide step 4: new versions for the exposed secrets, the compromised versions disabled, never purged (gate rotate).
import { integer, object, oneOf } from '../playbook/shape.js';
import { parseSelection, selectionShape, type Selection } from './selection.js';
import { defineStep } from './types.js';

export const CHARSETS = ['alphanumeric', 'ascii-printable', 'hex', 'base64url'] as const;

export interface RotateSecretsParams extends Selection {
  /** accessed-versions: the versions the caller read; all-previous: every version but the new one; none. */
  disable: 'accessed-versions' | 'all-previous' | 'none';
  generator: { length: number; charset: (typeof CHARSETS)[number] };
}

export const rotateSecrets = defineStep({
  kind: 'rotate-secrets',
  gate: 'rotate',
  summary: 'Give each selected secret a new generated version and disable the compromised versions.',
  params: object(
    {
      ...selectionShape,
      disable: oneOf(
        ['accessed-versions', 'all-previous', 'none'],
        'Which old versions to disable (default accessed-versions).',
      ),
      generator: object(
        {
          length: integer(16, 4096, 'Length of the generated value (default 32).'),
          charset: oneOf(CHARSETS, 'Characters of the generated value (default alphanumeric).'),
        },
        'How new values are generated.',
      ),
    },
    'Secret rotation parameters.',
  ),
  parseParams: (raw, _env, report): RotateSecretsParams => ({
    ...parseSelection(raw, report),
    disable: raw.disable ?? 'accessed-versions',
    generator: { length: raw.generator?.length ?? 32, charset: raw.generator?.charset ?? 'alphanumeric' },
  }),
});
