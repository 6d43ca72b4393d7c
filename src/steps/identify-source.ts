// Guide step 1: who called the vault and from where (read-only, at triage).
import { object } from '../playbook/shape.js';
import { defineStep } from './types.js';

export const identifySource = defineStep({
  kind: 'identify-source',
  gate: null,
  summary:
    "Classify the caller's IP (private, trusted network, vault allow-list, Azure, unknown), resolve the principal and compare tenants.",
  params: object({}, 'identify-source takes no parameters.'),
  parseParams: () => ({}),
});
