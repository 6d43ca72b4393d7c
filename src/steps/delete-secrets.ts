// Guide step 4: soft-delete exposed secrets; purging is deliberately not offered, so a mistake stays recoverable (gate rotate).
import { object } from '../playbook/shape.js';
import { parseSelection, selectionShape } from './selection.js';
import { defineStep } from './types.js';

export const deleteSecrets = defineStep({
  kind: 'delete-secrets',
  gate: 'rotate',
  summary: 'Soft-delete the selected secrets; they stay recoverable and are never purged.',
  params: object(selectionShape, 'delete-secrets parameters.'),
  parseParams: (raw, _env, report) => parseSelection(raw, report),
});
