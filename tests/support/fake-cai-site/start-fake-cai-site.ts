import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { answerLegacy, answerNeo, type FakeAnswer } from './fake-cai-api.ts';
import { FAKE_SESSION_TOKEN } from './fake-cai-data.ts';
import {
  FAKE_LEGACY_SITE_SCRIPT,
  FAKE_SITE_SCRIPT,
  fakeChatPageHtml,
  fakeLegacyChatPageHtml,
} from './fake-cai-page.ts';

/** A failure to serve instead of the real answer, as the site does under load. */
export interface FakeFault {
  /** Matched against the path and query of API requests. */
  match: RegExp;
  kind: 'rate-limit' | 'html' | 'neo-error';
  /** How many matching requests fail before the real answer comes back (1 by default). */
  times?: number;
  /** A `Retry-After` header (seconds) on a 'rate-limit' answer, exposed to cross-origin pages. */
  retryAfterSeconds?: number;
}

export interface FakeRequestLogEntry {
  method: string;
  host: string;
  /** Path and query, as sent. */
  target: string;
  api: 'neo' | 'legacy' | 'page' | 'preflight';
  /** Whether the request carried the session token (the token itself is never logged). */
  hasToken: boolean;
  /** What it got: 'ok', 'unauthorized', 'fault:<kind>', 'held', 'not-found'. */
  outcome: string;
}

export interface FakeCaiSiteOptions {
  /** Serve HTTPS with this key and certificate (for `--host-resolver-rules` tests). */
  tls?: { key: string; cert: string };
  /** Chats per page of the neo chat lists; 1 by default so listing pages too. */
  chatListPageSize?: number;
}

export interface FakeCaiState {
  readonly requests: FakeRequestLogEntry[];
  /** Fails matching API requests (see FakeFault). */
  addFault(fault: FakeFault): void;
  /** Forgets every fault not used up yet. */
  clearFaults(): void;
  /** After `count` more API requests, stops answering API requests until `releaseHeld`. */
  holdApiAfter(count: number): void;
  /** Drops every held request (the browser sees a network error) and answers normally again. */
  releaseHeld(): void;
  heldCount(): number;
}

export interface FakeCaiSite extends FakeCaiState {
  /** `http://127.0.0.1:PORT` (or https). */
  url: string;
  port: number;
  /** The request handler, to mount on a server of your own (e.g. HTTPS with your certificate). */
  handler: (request: IncomingMessage, response: ServerResponse) => void;
  close(): Promise<void>;
}

/**
 * An imitation of Character.AI's endpoints on 127.0.0.1 (random port). It answers by path for
 * every character.ai host name: Host `neo.*` (or a `/_neo/` path prefix, for plain-HTTP use)
 * reaches the neo API; any other host the legacy API and the pages (`/chat/{characterId}?hist=`, and
 * the legacy `/chat?char=…&hist=…`).
 * The API checks the session token and sends CORS headers like a cross-origin API must.
 */
export async function startFakeCaiSite(options: FakeCaiSiteOptions = {}): Promise<FakeCaiSite> {
  const { state, handler } = createFakeCaiHandler(options);
  const server: Server =
    options.tls === undefined ? createHttpServer(handler) : createHttpsServer(options.tls, handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    ...bindState(state),
    url: `${options.tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    port,
    handler,
    close: () =>
      new Promise<void>((resolve) => {
        state.releaseHeld();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function bindState(state: FakeCaiState): FakeCaiState {
  return {
    requests: state.requests,
    addFault: (fault) => state.addFault(fault),
    clearFaults: () => state.clearFaults(),
    holdApiAfter: (count) => state.holdApiAfter(count),
    releaseHeld: () => state.releaseHeld(),
    heldCount: () => state.heldCount(),
  };
}

export function createFakeCaiHandler(options: Pick<FakeCaiSiteOptions, 'chatListPageSize'> = {}): {
  state: FakeCaiState;
  handler: (request: IncomingMessage, response: ServerResponse) => void;
} {
  const requests: FakeRequestLogEntry[] = [];
  const faults: { fault: FakeFault; left: number }[] = [];
  const held: ServerResponse[] = [];
  let holdBudget: number | undefined;
  const apiOptions = { chatListPageSize: options.chatListPageSize ?? 1 };

  const state: FakeCaiState = {
    requests,
    addFault: (fault) => faults.push({ fault, left: fault.times ?? 1 }),
    clearFaults: () => {
      faults.splice(0);
    },
    holdApiAfter: (count) => {
      holdBudget = count;
    },
    releaseHeld: () => {
      holdBudget = undefined;
      for (const response of held.splice(0)) response.destroy();
    },
    heldCount: () => held.length,
  };

  const handler = (request: IncomingMessage, response: ServerResponse): void => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const bodyText = Buffer.concat(chunks).toString('utf8');
      const host = (request.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
      const target = request.url ?? '/';
      const method = request.method ?? 'GET';
      const neoPrefixed = target.startsWith('/_neo/');
      const isNeo = host.startsWith('neo.') || neoPrefixed;
      const url = new URL(neoPrefixed ? target.slice('/_neo'.length) : target, 'http://fake.invalid');
      const hasToken = request.headers.authorization === `Token ${FAKE_SESSION_TOKEN}`;
      const log = (api: FakeRequestLogEntry['api'], outcome: string) =>
        requests.push({ method, host, target, api, hasToken, outcome });
      setCors(request, response);

      if (method === 'OPTIONS') {
        log('preflight', 'ok');
        response.writeHead(204).end();
        return;
      }
      const body = parseJson(bodyText);
      const apiAnswer = isNeo ? answerNeo(method, url, body, apiOptions) : answerLegacy(method, url, body);
      if (apiAnswer === undefined) {
        const page = answerPage(url);
        log('page', page.status === 200 ? 'ok' : 'not-found');
        send(response, page);
        return;
      }
      const api = isNeo ? 'neo' : 'legacy';
      if (holdBudget !== undefined) {
        if (holdBudget <= 0) {
          log(api, 'held');
          held.push(response);
          return;
        }
        holdBudget -= 1;
      }
      if (!hasToken) {
        log(api, 'unauthorized');
        send(response, { status: 401, json: { detail: 'Authentication credentials were not provided.' } });
        return;
      }
      const pending = faults.find(
        (entry) => entry.left > 0 && entry.fault.match.test(url.pathname + url.search),
      );
      if (pending !== undefined) {
        pending.left -= 1;
        log(api, `fault:${pending.fault.kind}`);
        send(response, faultAnswer(pending.fault));
        return;
      }
      log(api, 'ok');
      send(response, apiAnswer);
    });
  };
  return { state, handler };
}

function answerPage(url: URL): FakeAnswer {
  if (url.pathname === '/fake-site.js') {
    return { status: 200, text: FAKE_SITE_SCRIPT, contentType: 'text/javascript; charset=utf-8' };
  }
  if (url.pathname === '/fake-legacy-site.js') {
    return { status: 200, text: FAKE_LEGACY_SITE_SCRIPT, contentType: 'text/javascript; charset=utf-8' };
  }
  if (url.pathname === '/chat') {
    return { status: 200, text: fakeLegacyChatPageHtml(), contentType: 'text/html; charset=utf-8' };
  }
  if (url.pathname === '/static/app-config.json')
    return { status: 200, json: { theme: 'dark', build: 'fake-1' } };
  if (url.pathname === '/' || /^\/chat\/[^/]+$/.test(url.pathname)) {
    return { status: 200, text: fakeChatPageHtml(), contentType: 'text/html; charset=utf-8' };
  }
  return { status: 404, text: 'not found', contentType: 'text/plain' };
}

function faultAnswer(fault: FakeFault): FakeAnswer {
  switch (fault.kind) {
    case 'rate-limit':
      return {
        status: 429,
        json: { detail: 'Request was throttled.' },
        ...(fault.retryAfterSeconds === undefined
          ? {}
          : { headers: { 'retry-after': String(fault.retryAfterSeconds) } }),
      };
    case 'html':
      return {
        status: 403,
        text: '<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>Checking your browser</body></html>',
        contentType: 'text/html; charset=utf-8',
      };
    case 'neo-error':
      return { status: 200, json: { command: 'neo_error', comment: 'internal error, try again' } };
  }
}

function setCors(request: IncomingMessage, response: ServerResponse): void {
  const origin = request.headers.origin;
  if (origin === undefined) return;
  response.setHeader('access-control-allow-origin', origin);
  response.setHeader('access-control-allow-credentials', 'true');
  response.setHeader('access-control-allow-headers', 'authorization, content-type');
  response.setHeader('access-control-allow-methods', 'GET, POST, PATCH, OPTIONS');
  response.setHeader('access-control-expose-headers', 'retry-after');
  response.setHeader('vary', 'Origin');
}

function send(response: ServerResponse, answer: FakeAnswer): void {
  const text = answer.json === undefined ? (answer.text ?? '') : JSON.stringify(answer.json);
  const type = answer.contentType ?? (answer.json === undefined ? 'text/plain' : 'application/json');
  response
    .writeHead(answer.status, { ...answer.headers, 'content-type': type, 'cache-control': 'no-store' })
    .end(text);
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
