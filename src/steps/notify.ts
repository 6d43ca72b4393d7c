// Tell the owners: @-mention and assign the people the playbook's owners section names (read-only, at triage).
import { object } from '../playbook/shape.js';
import { defineStep } from './types.js';

export const notify = defineStep({
  kind: 'notify',
  gate: null,
  summary: "Mention and assign the vault's owners (from the playbook's owners section) on the issue.",
  params: object({}, 'notify takes no parameters; owners come from the owners section.'),
  parseParams: () => ({}),
});
