// Reading a request into a SandboxRequest and writing a SandboxResponse: the only place that touches the wire.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxRequest, SandboxResponse, ServiceName } from './types.js';

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The body as JSON; undefined when empty or invalid (a handler sees a non-empty `body` and answers 400). */
function parseJson(body: string): unknown {
  if (body.trim() === '') return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

export function toSandboxRequest(
  service: ServiceName,
  req: IncomingMessage,
  scheme: 'http' | 'https',
  body: string,
): SandboxRequest {
  const host = req.headers.host ?? '127.0.0.1';
  return {
    service,
    method: (req.method ?? 'GET').toUpperCase(),
    url: new URL(req.url ?? '/', `${scheme}://${host}`),
    headers: req.headers,
    body,
    json: parseJson(body),
  };
}

/** Writes the response; returns the body's size in bytes (as sent, before any transfer encoding). */
export function writeResponse(res: ServerResponse, response: SandboxResponse): number {
  const headers: Record<string, string> = { ...response.headers };
  let payload = '';
  if (response.body !== undefined) {
    if (typeof response.body === 'string') {
      payload = response.body;
    } else {
      payload = JSON.stringify(response.body);
      if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
        headers['content-type'] = 'application/json; charset=utf-8';
      }
    }
  }
  const bytes = Buffer.byteLength(payload);
  headers['content-length'] = String(bytes);
  res.writeHead(response.status, headers);
  res.end(payload);
  return bytes;
}
