import { describe, expect, it } from 'vitest';
import { describeFailure } from '../../src/errors.js';

const failure = (message: string, extra: object) => Object.assign(new Error(message), extra);

describe('describeFailure', () => {
  it('names GitHub, the call and the status, without the query string', () => {
    const e = failure('Server Error', {
      status: 500,
      request: { method: 'POST', url: 'https://api.github.com/repos/o/r/issues?token=secret' },
      response: { status: 500 },
    });
    expect(describeFailure(e)).toBe('GitHub POST api.github.com/repos/o/r/issues (HTTP 500): Server Error');
  });

  it('shows no status for a GitHub request that got no answer (Octokit says 500 without a response)', () => {
    const e = failure('no answer within 60 s', {
      status: 500,
      request: { method: 'GET', url: 'https://api.github.com/repos/o/r/issues?state=all' },
    });
    expect(describeFailure(e)).toBe('GitHub GET api.github.com/repos/o/r/issues: no answer within 60 s');
  });

  it('names Azure for the Azure clouds, with the status code the SDK gives', () => {
    const e = failure('The operation was aborted.\nline two', {
      statusCode: 503,
      request: { method: 'GET', url: 'https://kv-prod.vault.azure.net/secrets/a?api-version=2026-04-01' },
    });
    expect(describeFailure(e)).toBe(
      'Azure GET kv-prod.vault.azure.net/secrets/a (HTTP 503): The operation was aborted. line two',
    );
  });

  it('keeps the plain message of errors that carry no request', () => {
    expect(describeFailure(new Error('boom'))).toBe('boom');
    expect(describeFailure('text')).toBe('text');
  });
});
