import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { RequestTimeoutError, requestTimeoutMs } from '../../src/request-timeout.js';

describe('requestTimeoutMs', () => {
  it('is 60 s unless KV_ALERT_PLAYBOOK_REQUEST_TIMEOUT_MS says otherwise', () => {
    expect(requestTimeoutMs({})).toBe(60_000);
    expect(requestTimeoutMs({ KV_ALERT_PLAYBOOK_REQUEST_TIMEOUT_MS: ' 2000 ' })).toBe(2000);
  });

  it('refuses a value that is not a whole number of milliseconds', () => {
    for (const raw of ['0', '-5', '1.5', '60s']) {
      expect(() => requestTimeoutMs({ KV_ALERT_PLAYBOOK_REQUEST_TIMEOUT_MS: raw })).toThrow(UserError);
    }
  });
});

describe('RequestTimeoutError', () => {
  it('says how long it waited, in seconds', () => {
    expect(new RequestTimeoutError(60_000).message).toBe('no answer within 60 s');
    expect(new RequestTimeoutError(1500).message).toBe('no answer within 1.5 s');
  });
});
