// The job's OIDC token against a loopback token route: retried on 5xx, refused at once on 4xx, abandoned at the
// timeout even when the answer stops halfway, and every failure names GitHub and the call.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFailure } from '../../src/errors.js';
import { getIdToken } from '../../src/github/id-token.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let handler: Handler = () => {};
const seen: string[] = [];
const saved = { url: process.env.ACTIONS_ID_TOKEN_REQUEST_URL, token: process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN };

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.headers.authorization} ${req.url}`);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  process.env.ACTIONS_ID_TOKEN_REQUEST_URL = `http://127.0.0.1:${port}/idtoken?api-version=2.0`;
  process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = 'request-token';
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  for (const [name, value] of [
    ['ACTIONS_ID_TOKEN_REQUEST_URL', saved.url],
    ['ACTIONS_ID_TOKEN_REQUEST_TOKEN', saved.token],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeDefined();
  return describeFailure(error);
}

describe.sequential('getIdToken', () => {
  it('asks for the audience with the request token, and retries a 5xx', async () => {
    seen.length = 0;
    let calls = 0;
    handler = (_req, res) => {
      calls += 1;
      res.writeHead(calls === 1 ? 503 : 200, { 'content-type': 'application/json' });
      res.end(calls === 1 ? '{"message":"busy"}' : '{"value":"header.payload.signature"}');
    };
    await expect(getIdToken('api://AzureADTokenExchange', 2000)).resolves.toBe('header.payload.signature');
    expect(seen).toEqual(
      Array(2).fill('Bearer request-token /idtoken?api-version=2.0&audience=api%3A%2F%2FAzureADTokenExchange'),
    );
  });

  it('fails at once on a 4xx, naming GitHub, the call and the status', async () => {
    seen.length = 0;
    handler = (_req, res) => {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end('{"message":"no id-token permission"}');
    };
    expect(await failure(getIdToken('aud', 2000))).toMatch(
      /^GitHub GET 127\.0\.0\.1:\d+\/idtoken \(HTTP 403\): \{"message":"no id-token permission"\}$/,
    );
    expect(seen).toHaveLength(1);
  });

  it('gives up at the timeout when the answer stops halfway, after its retries', async () => {
    seen.length = 0;
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"value":"head');
    };
    expect(await failure(getIdToken('aud', 300))).toMatch(
      /^GitHub GET 127\.0\.0\.1:\d+\/idtoken: no answer within 0\.3 s$/,
    );
    expect(seen).toHaveLength(3);
  });

  it('refuses an answer without a token', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    };
    expect(await failure(getIdToken('aud', 2000))).toMatch(/\(HTTP 200\): the answer holds no token \(`value`\)$/);
  });
});
