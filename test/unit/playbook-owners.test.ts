import { describe, expect, it } from 'vitest';
import { ownersFor } from '../../src/playbook/index.js';
import { playbookFrom } from './playbook-support.js';

const playbook = playbookFrom(`version: 1
owners:
  - match: { vault: "kv-payments-*" }
    notify: ["@octo-org/payments-oncall"]
    assign: [alice]
  - match: { vault: "KV-PAYMENTS-PROD", secret: "db-*" }
    notify: ["@dba-lead"]
    assign: [bob, alice]
  - match: { vault: "kv-billing-*" }
    notify: ["@octo-org/billing"]
rules: []
`);

describe('owners', () => {
  it('selects entries by vault glob, case-insensitively, without repeats', () => {
    expect(ownersFor(playbook, 'kv-payments-prod')).toEqual({
      notify: ['@octo-org/payments-oncall'],
      assign: ['alice'],
    });
    expect(ownersFor(playbook, 'kv-other')).toEqual({ notify: [], assign: [] });
  });

  it('adds entries with a secret glob only when one of the secrets matches it', () => {
    expect(ownersFor(playbook, 'kv-payments-prod', ['api-key', 'DB-password'])).toEqual({
      notify: ['@octo-org/payments-oncall', '@dba-lead'],
      assign: ['alice', 'bob'],
    });
    expect(ownersFor(playbook, 'kv-payments-prod', ['api-key'])).toEqual({
      notify: ['@octo-org/payments-oncall'],
      assign: ['alice'],
    });
  });
});
