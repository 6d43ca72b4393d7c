// Guide step 4 for keys: a new key version for each selected key (gate rotate).
import { object } from '../playbook/shape.js';
import { parseSelection, selectionShape } from './selection.js';
import { defineStep } from './types.js';

export const rotateKeys = defineStep({
  kind: 'rotate-keys',
  gate: 'rotate',
  summary: 'Create a new version of each selected key.',
  params: object(selectionShape, 'rotate-keys parameters.'),
  parseParams: (raw, _env, report) => parseSelection(raw, report),
});
