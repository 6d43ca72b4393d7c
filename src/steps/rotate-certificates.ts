// Guide step 4 for certificates: a new certificate version from each selected certificate's policy (gate rotate).
import { object } from '../playbook/shape.js';
import { parseSelection, selectionShape } from './selection.js';
import { defineStep } from './types.js';

export const rotateCertificates = defineStep({
  kind: 'rotate-certificates',
  gate: 'rotate',
  summary: 'Create a new version of each selected certificate from its policy.',
  params: object(selectionShape, 'rotate-certificates parameters.'),
  parseParams: (raw, _env, report) => parseSelection(raw, report),
});
