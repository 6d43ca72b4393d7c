// The job's GitHub OIDC token, fetched as core.getIDToken does (same URL, bearer and proxy agent from
// @actions/http-client) but within the request timeout. core's client has no timeout, and racing it with a timer
// would not do: its socket to a token route that never answers would keep the process alive.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import * as core from '@actions/core';
import { HttpClient } from '@actions/http-client';
import { RequestTimeoutError, requestTimeoutMs } from '../request-timeout.js';

const ATTEMPTS = 3;
const RETRY_DELAY_MS = 1000;
const MAX_BODY_BYTES = 64 * 1024;

/** A failed token request; carries the request (and status) so that describeFailure names GitHub and the call. */
class IdTokenRequestError extends Error {
  override name = 'IdTokenRequestError';
  readonly request: { method: string; url: string };
  readonly statusCode: number | undefined;
  constructor(message: string, url: string, statusCode?: number) {
    super(message);
    this.request = { method: 'GET', url };
    this.statusCode = statusCode;
  }
}

interface Answer {
  status: number;
  body: string;
}

function get(url: string, bearer: string, timeoutMs: number): Promise<Answer> {
  const signal = AbortSignal.timeout(timeoutMs);
  const request = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => reject(signal.aborted ? new RequestTimeoutError(timeoutMs) : error);
    const req = request(
      url,
      {
        agent: new HttpClient().getAgent(url),
        headers: { authorization: `Bearer ${bearer}`, accept: 'application/json', 'user-agent': 'actions/oidc-client' },
        signal,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
          if (body.length > MAX_BODY_BYTES) req.destroy(new Error('answer over 64 KiB'));
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', fail);
        res.on('close', () => {
          if (!res.complete) fail(new Error('the answer was cut off'));
        });
      },
    );
    req.on('error', fail);
    req.end();
  });
}

function tokenFrom(answer: Answer, url: string): string {
  let value: unknown;
  try {
    value = (JSON.parse(answer.body) as { value?: unknown } | null)?.value;
  } catch {
    // handled below: no token
  }
  if (typeof value !== 'string' || value === '') {
    throw new IdTokenRequestError('the answer holds no token (`value`)', url, answer.status);
  }
  return value;
}

/** Fetches an ID token for `audience`; timeouts, resets and 5xx are retried, ATTEMPTS in all. */
export async function getIdToken(audience: string, timeoutMs = requestTimeoutMs()): Promise<string> {
  const base = process.env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const bearer = process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!base || !bearer) throw new Error('ACTIONS_ID_TOKEN_REQUEST_URL or ACTIONS_ID_TOKEN_REQUEST_TOKEN is not set');
  const url = `${base}&audience=${encodeURIComponent(audience)}`;
  for (let attempt = 1; ; attempt += 1) {
    let failure: IdTokenRequestError;
    try {
      const answer = await get(url, bearer, timeoutMs);
      if (answer.status >= 200 && answer.status < 300) {
        const token = tokenFrom(answer, url);
        core.setSecret(token);
        return token;
      }
      failure = new IdTokenRequestError(answer.body.slice(0, 200) || 'no message', url, answer.status);
      if (answer.status < 500) throw failure;
    } catch (error) {
      if (error instanceof IdTokenRequestError) throw error;
      failure = new IdTokenRequestError(error instanceof Error ? error.message : String(error), url);
    }
    if (attempt >= ATTEMPTS) throw failure;
    await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS * attempt));
  }
}
