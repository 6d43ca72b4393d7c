// The sandbox core: one HTTPS server for every Azure host (routed by Host/SNI), one plain-HTTP server for GitHub,
// a CONNECT proxy that hands tunnels to the HTTPS server, a request log and fault injection. close() ends them all.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent, createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { FaultController, type Fault, type FaultRule } from './faults.js';
import { readBody, toSandboxRequest, writeResponse } from './http.js';
import { azureServiceForHost, errorBody } from './routing.js';
import { generateTls, type SandboxTls } from './tls.js';
import type { Handler, RequestLogEntry, SandboxResponse, ServiceName } from './types.js';

export interface CoreOptions {
  /** Seed for probabilistic faults and jitter (default 1). */
  seed?: number;
  /** Fault and latency rules active from the start; more can be added at run time through `faults`. */
  faults?: readonly FaultRule[];
}

export interface SandboxCore {
  /** https://127.0.0.1:PORT: the Azure server itself (clients normally reach it through `agent` or the proxy). */
  readonly azureOrigin: string;
  /** http://127.0.0.1:PORT: the fake GitHub (GITHUB_API_URL). */
  readonly githubOrigin: string;
  /** http://127.0.0.1:PORT: the CONNECT proxy for HTTPS_PROXY. */
  readonly proxyUrl: string;
  readonly tls: SandboxTls;
  readonly faults: FaultController;
  /** Every request answered so far, in arrival order. */
  readonly requests: readonly RequestLogEntry[];
  /** Routes a service's requests to a handler (a request for a service without one gets 500). */
  setHandler(service: ServiceName, handler: Handler): void;
  /**
   * An https.Agent that connects every production host (login.microsoftonline.com, management.azure.com,
   * *.vault.azure.net, api.loganalytics.io) to the sandbox, keeping the URL, Host header and SNI, and trusting its CA.
   */
  readonly agent: HttpsAgent;
  /** Ends servers, sockets (including hung ones), timers and the agent; removes the certificate directory. */
  close(): Promise<void>;
}

type AnsweringFault = Exclude<Fault, { kind: 'latency' }>;

class SandboxAgent extends HttpsAgent {
  constructor(
    private readonly port: number,
    ca: string,
  ) {
    super({ keepAlive: true, ca });
  }

  // The agent has already set `servername` to the production host; only the address changes.
  override createConnection(options: ConnectionOptions): TLSSocket {
    return tlsConnect({ ...options, host: '127.0.0.1', port: this.port });
  }
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function rawSocket(socket: Socket): Socket {
  // A TLS socket accepted by the HTTPS server wraps the TCP socket it came on (`_parent`).
  return (socket as Socket & { _parent?: Socket })._parent ?? socket;
}

export async function startCore(options: CoreOptions = {}): Promise<SandboxCore> {
  const t0 = performance.now();
  const since = () => Math.round((performance.now() - t0) * 10) / 10;
  const certDir = mkdtempSync(join(tmpdir(), 'kv-sandbox-'));
  const tls = generateTls(certDir);
  const faults = new FaultController(options.seed ?? 1, options.faults);
  const handlers = new Map<ServiceName, Handler>();
  const requests: RequestLogEntry[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  let closing = false;

  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const entry = { timer: setTimeout(() => done(), ms), resolve: () => done() };
      const done = () => {
        clearTimeout(entry.timer);
        timers.delete(entry);
        resolve();
      };
      timers.add(entry);
    });

  function faultResponse(service: ServiceName, fault: Extract<AnsweringFault, { kind: 'status' }>): SandboxResponse {
    const headers: Record<string, string> = { ...fault.headers };
    if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
    if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs);
    const code =
      fault.status === 429 ? 'TooManyRequests' : fault.status === 503 ? 'ServiceUnavailable' : 'InternalServerError';
    const body = fault.body ?? errorBody(service, fault.status, code, `sandbox fault: ${fault.status}`);
    return { status: fault.status, headers, body };
  }

  async function serve(service: ServiceName, req: IncomingMessage, res: ServerResponse, scheme: 'http' | 'https') {
    const start = since();
    const body = await readBody(req);
    const request = toSandboxRequest(service, req, scheme, body);
    const path = request.url.pathname + request.url.search;
    const entry: RequestLogEntry = {
      start,
      end: start,
      service,
      method: request.method,
      host: request.url.host,
      path,
      status: 0,
    };
    requests.push(entry);
    const decision = faults.decide(service, request.method, path);
    if (decision.latencyMs > 0) await sleep(decision.latencyMs);
    if (closing) return;
    const injected = decision.fault;
    if (injected) entry.fault = injected.name;
    if (injected?.fault.kind === 'reset') {
      entry.end = since();
      rawSocket(req.socket).resetAndDestroy();
      return;
    }
    if (injected?.fault.kind === 'hang') {
      req.socket.once('close', () => (entry.end = since()));
      return;
    }
    let response: SandboxResponse;
    if (injected?.fault.kind === 'status') {
      response = faultResponse(service, injected.fault);
    } else {
      const handler = handlers.get(service);
      try {
        response = handler
          ? await handler(request)
          : { status: 500, body: errorBody(service, 500, 'NoHandler', `sandbox: no handler for ${service}`) };
      } catch (error) {
        const message = `sandbox handler for ${service} threw: ${error instanceof Error ? error.message : String(error)}`;
        response = { status: 500, body: errorBody(service, 500, 'SandboxHandlerError', message) };
      }
    }
    if (request.identity !== undefined) entry.identity = request.identity;
    entry.status = response.status;
    entry.end = since();
    if (!res.destroyed) entry.bytes = writeResponse(res, response);
  }

  function misdirected(res: ServerResponse, host: string) {
    writeResponse(res, {
      status: 421,
      body: errorBody(undefined, 421, 'MisdirectedRequest', `sandbox: no fake Azure service for host '${host}'`),
    });
  }

  const azure = createHttpsServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    const host = req.headers.host ?? '';
    const service = azureServiceForHost(host);
    if (!service) return misdirected(res, host);
    serve(service, req, res, 'https').catch(() => res.destroy());
  });
  // A client that goes away mid-request (timeout, reset) fails the read; there is nobody left to answer.
  const github = createHttpServer((req, res) => void serve('github', req, res, 'http').catch(() => res.destroy()));
  const proxy = createHttpServer((_req, res) => {
    res.writeHead(405, { 'content-type': 'text/plain' }).end('sandbox proxy: only CONNECT is supported\n');
  });
  for (const server of [azure, github, proxy]) server.on('connection', track);

  const azurePort = await listen(azure);
  const githubPort = await listen(github);
  const proxyPort = await listen(proxy);

  proxy.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const [host = '', port = '443'] = (req.url ?? '').split(':');
    const direct = host === '127.0.0.1' && Number(port) === azurePort;
    if (!direct && (port !== '443' || !azureServiceForHost(host))) {
      socket.end(
        `HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/plain\r\n\r\nsandbox proxy: nothing fakes ${req.url}\n`,
      );
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) socket.unshift(head);
    azure.emit('connection', socket);
  });

  const agent = new SandboxAgent(azurePort, tls.caPem);

  async function close(): Promise<void> {
    if (closing) return;
    closing = true;
    agent.destroy();
    for (const { resolve } of [...timers]) resolve();
    const closed = [azure, github, proxy].map(
      (server) => new Promise<void>((resolve) => server.close(() => resolve())),
    );
    for (const socket of sockets) socket.destroy();
    await Promise.all(closed);
    rmSync(certDir, { recursive: true, force: true });
  }

  return {
    azureOrigin: `https://127.0.0.1:${azurePort}`,
    githubOrigin: `http://127.0.0.1:${githubPort}`,
    proxyUrl: `http://127.0.0.1:${proxyPort}`,
    tls,
    faults,
    requests,
    agent,
    setHandler: (service, handler) => void handlers.set(service, handler),
    close,
  };
}
