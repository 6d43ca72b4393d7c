// Guide step 4: disable exposed secrets instead of (or before) rotating them (gate rotate).
import { object } from '../playbook/shape.js';
import { parseSelection, selectionShape } from './selection.js';
import { defineStep } from './types.js';

export const disableSecrets = defineStep({
  kind: 'disable-secrets',
  gate: 'rotate',
  summary: "Disable the selected secrets' current versions.",
  params: object(selectionShape, 'disable-secrets parameters.'),
  parseParams: (raw, _env, report) => parseSelection(raw, report),
});
