import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CaptureRecord } from '../../../shared/capture/capture-record.ts';
import { captureRecordSchema } from '../../../shared/capture/capture-record.ts';
import type { PygboxError } from '../../../shared/errors/pygbox-error.ts';
import type { HookTarget } from '../../../shared/hook/hook-target.ts';
import { installCaptureHook } from '../../../shared/hook/install-capture-hook.ts';
import { makeFakeXhrClass } from './fake-xhr.ts';

const TURNS_URL = 'https://neo.character.ai/turns/chat-1/';
const TURNS_BODY = { turns: [], meta: { next_token: null } };
const TOKEN = 'Token secret-abc-123';

interface Harness {
  target: HookTarget;
  records: CaptureRecord[];
  errors: PygboxError[];
  authorizations: string[];
  pageFetch: ReturnType<typeof vi.fn>;
}

function harness(pageFetch: (input: unknown, init?: RequestInit) => Promise<Response>): Harness {
  const fetchSpy = vi.fn(pageFetch);
  const target: HookTarget = {
    fetch: fetchSpy as unknown as typeof fetch,
    location: { href: 'https://character.ai/chat/char-1?hist=chat-1' },
  };
  const records: CaptureRecord[] = [];
  const errors: PygboxError[] = [];
  const authorizations: string[] = [];
  installCaptureHook(target, {
    onCapture: (record) => records.push(record),
    onError: (error) => errors.push(error),
    onAuthorization: (value) => authorizations.push(value),
    now: () => new Date('2026-01-02T03:04:05.000Z'),
  });
  return { target, records, errors, authorizations, pageFetch: fetchSpy };
}

const jsonResponse = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** Lets the hook's reads of the clone finish. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

afterEach(() => vi.restoreAllMocks());

describe('installCaptureHook on fetch', () => {
  it('records a known endpoint as a valid capture record and the page still reads its own body', async () => {
    const h = harness(async () => jsonResponse(TURNS_BODY));
    const response = await h.target.fetch?.(TURNS_URL, { headers: { authorization: TOKEN } });
    expect(await response?.json()).toEqual(TURNS_BODY);
    await settle();
    expect(h.records).toEqual([
      {
        url: TURNS_URL,
        method: 'GET',
        status: 200,
        body: TURNS_BODY,
        capturedAt: '2026-01-02T03:04:05.000Z',
      },
    ]);
    expect(captureRecordSchema.safeParse(h.records[0]).success).toBe(true);
    expect(JSON.stringify(h.records)).not.toContain('secret-abc-123');
    expect(h.authorizations).toEqual([TOKEN]);
    expect(h.errors).toEqual([]);
  });

  it('returns the very promise the page fetch returned, passing the arguments through untouched', async () => {
    const original = Promise.resolve(jsonResponse(TURNS_BODY));
    const h = harness(() => original);
    const init = { method: 'GET', headers: { authorization: TOKEN } };
    const returned = h.target.fetch?.(TURNS_URL, init);
    expect(returned).toBe(original);
    expect(h.pageFetch).toHaveBeenCalledWith(TURNS_URL, init);
  });

  it('reads a Request object, a relative URL, the POST method, and keeps an HTML error page as text', async () => {
    const html = '<!DOCTYPE html><html><body>Just a moment...</body></html>';
    const h = harness(
      async () => new Response(html, { status: 403, headers: { 'content-type': 'text/html' } }),
    );
    await h.target.fetch?.(
      new Request('https://neo.character.ai/character/v1/get_character_info', { method: 'POST', body: '{}' }),
    );
    await h.target.fetch?.('/chat/user/');
    await settle();
    expect(h.records.map((record) => [record.url, record.method, record.status, record.body])).toEqual([
      ['https://neo.character.ai/character/v1/get_character_info', 'POST', 403, html],
      ['https://character.ai/chat/user/', 'GET', 403, html],
    ]);
  });

  it('never reads responses of endpoints no adapter knows', async () => {
    const h = harness(async () => jsonResponse({ token: 'x' }));
    await h.target.fetch?.('https://character.ai/static/app-config.json');
    await h.target.fetch?.('https://neo.character.ai/ws/settings/');
    await h.target.fetch?.('https://example.com/turns/chat-1/');
    await settle();
    expect(h.records).toEqual([]);
  });

  it('passes a rejected fetch to the page with its own error and records nothing', async () => {
    const failure = new TypeError('Failed to fetch');
    const h = harness(() => Promise.reject(failure));
    await expect(h.target.fetch?.(TURNS_URL)).rejects.toBe(failure);
    await settle();
    expect(h.records).toEqual([]);
    expect(h.errors).toEqual([]);
  });

  it('reports nothing when the page aborts its request while the body streams', async () => {
    const controller = new AbortController();
    const h = harness(async () => {
      const body = new ReadableStream<Uint8Array>({
        start(stream) {
          stream.enqueue(new TextEncoder().encode('{"turns":['));
          controller.signal.addEventListener('abort', () =>
            stream.error(new DOMException('The operation was aborted.', 'AbortError')),
          );
        },
      });
      return new Response(body, { status: 200 });
    });
    const response = await h.target.fetch?.(TURNS_URL, { signal: controller.signal });
    controller.abort();
    await expect(response?.text()).rejects.toThrow('aborted');
    await settle();
    expect(h.records).toEqual([]);
    expect(h.errors).toEqual([]);
  });

  it('lets a synchronous throw of the page fetch reach the page unchanged', () => {
    const failure = new TypeError('Illegal invocation');
    const target: HookTarget = {
      fetch: (() => {
        throw failure;
      }) as unknown as typeof fetch,
    };
    installCaptureHook(target, { onCapture: () => undefined, onError: () => undefined });
    expect(() => target.fetch?.(TURNS_URL)).toThrow(failure);
  });

  it('swallows a failure of its own callback, reports it, and the page gets its response', async () => {
    const errors: PygboxError[] = [];
    const target: HookTarget = { fetch: (async () => jsonResponse(TURNS_BODY)) as typeof fetch };
    installCaptureHook(target, {
      onCapture: () => {
        throw new Error('store is gone');
      },
      onError: (error) => errors.push(error),
    });
    const response = await target.fetch?.(TURNS_URL);
    expect(await response?.json()).toEqual(TURNS_BODY);
    await settle();
    expect(errors.map((error) => error.code)).toEqual(['hook-failed']);
  });

  it('does not throw into the page when even its error callback fails', async () => {
    const target: HookTarget = { fetch: (async () => jsonResponse(TURNS_BODY)) as typeof fetch };
    installCaptureHook(target, {
      onCapture: () => {
        throw new Error('a');
      },
      onError: () => {
        throw new Error('b');
      },
    });
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    await expect(target.fetch?.(TURNS_URL).then((r) => r.status)).resolves.toBe(200);
    await settle();
    process.off('unhandledRejection', unhandled);
    expect(unhandled).not.toHaveBeenCalled();
  });

  it('notes the token only for character.ai hosts', async () => {
    const h = harness(async () => jsonResponse({}));
    await h.target.fetch?.('https://example.com/api', { headers: { authorization: 'Token elsewhere-999' } });
    await h.target.fetch?.('https://neo.character.ai/chats/recent/', { headers: { Authorization: TOKEN } });
    expect(h.authorizations).toEqual([TOKEN]);
  });

  it('shows the page the name, arity and source text of the fetch it replaced', () => {
    const target: HookTarget = { fetch: globalThis.fetch };
    installCaptureHook(target, { onCapture: () => undefined, onError: () => undefined });
    expect(target.fetch).not.toBe(globalThis.fetch);
    expect(String(target.fetch)).toBe(String(globalThis.fetch));
    expect(target.fetch?.name).toBe('fetch');
    expect(target.fetch?.length).toBe(globalThis.fetch.length);
  });

  it('installs even when the page fetch hides its source (a revoked proxy)', () => {
    const { proxy, revoke } = Proxy.revocable(() => undefined, {});
    revoke();
    const pageFetch = proxy as unknown as typeof fetch;
    const target: HookTarget = { fetch: pageFetch };
    expect(() =>
      installCaptureHook(target, { onCapture: () => undefined, onError: () => undefined }),
    ).not.toThrow();
    expect(target.fetch === pageFetch).toBe(false);
  });

  it('puts the page fetch back on uninstall', () => {
    const pageFetch = (async () => jsonResponse({})) as typeof fetch;
    const target: HookTarget = { fetch: pageFetch };
    const hook = installCaptureHook(target, { onCapture: () => undefined, onError: () => undefined });
    expect(target.fetch).not.toBe(pageFetch);
    expect(hook.originalFetch).toBe(pageFetch);
    hook.uninstall();
    expect(target.fetch).toBe(pageFetch);
  });
});

describe('installCaptureHook on XMLHttpRequest', () => {
  const Xhr = makeFakeXhrClass((method, url) =>
    url.includes('/turns/')
      ? { status: 200, text: JSON.stringify(TURNS_BODY) }
      : url.includes('/chat/user/')
        ? { status: 200, text: '{"user":{"user":{"username":"someone"}}}' }
        : method === 'GET'
          ? { status: 200, text: 'plain' }
          : undefined,
  );

  const setup = () => {
    const target = {
      XMLHttpRequest: class extends Xhr {} as unknown as typeof XMLHttpRequest,
      location: { href: 'https://character.ai/chat/x' },
    };
    const records: CaptureRecord[] = [];
    const authorizations: string[] = [];
    const hook = installCaptureHook(target, {
      onCapture: (record) => records.push(record),
      onError: () => undefined,
      onAuthorization: (value) => authorizations.push(value),
    });
    return { target, records, authorizations, hook };
  };

  const run = (
    target: { XMLHttpRequest: typeof XMLHttpRequest },
    url: string,
    responseType: XMLHttpRequestResponseType,
  ) =>
    new Promise<XMLHttpRequest>((resolve) => {
      const xhr = new target.XMLHttpRequest();
      xhr.open('GET', url);
      xhr.setRequestHeader('Authorization', TOKEN);
      xhr.responseType = responseType;
      xhr.onload = () => resolve(xhr);
      xhr.send();
    });

  it('records a json XHR as a copy, the page keeps its own object and its onload', async () => {
    const { target, records, authorizations } = setup();
    const xhr = await run(target, TURNS_URL, 'json');
    await settle();
    expect(xhr.response).toEqual(TURNS_BODY);
    expect(records).toHaveLength(1);
    expect(records[0]?.body).toEqual(TURNS_BODY);
    expect(records[0]?.body).not.toBe(xhr.response);
    expect(authorizations).toEqual([TOKEN]);
  });

  it('records a text XHR of a relative legacy URL, and skips unknown endpoints', async () => {
    const { target, records } = setup();
    await run(target, '/chat/user/', 'text');
    await run(target, '/static/other.json', 'text');
    await settle();
    expect(records.map((record) => [record.url, record.body])).toEqual([
      ['https://character.ai/chat/user/', { user: { user: { username: 'someone' } } }],
    ]);
  });

  it("records a json XHR as it arrived, before the page's onload could change the object", async () => {
    const { target, records } = setup();
    const xhr = new target.XMLHttpRequest();
    xhr.open('GET', TURNS_URL);
    xhr.responseType = 'json';
    const loaded = new Promise<void>((resolve) => {
      xhr.onload = () => {
        // Sites normalise what they receive in place; the record must keep the answer itself.
        Object.assign(xhr.response as object, { turns: 'rewritten by the page' });
        resolve();
      };
    });
    xhr.send();
    await loaded;
    await settle();
    expect(records.map((record) => record.body)).toEqual([TURNS_BODY]);
  });

  it('records an XHR re-opened mid-request only under the URL it really fetched', async () => {
    const { target, records } = setup();
    const xhr = new target.XMLHttpRequest();
    xhr.open('GET', TURNS_URL);
    xhr.send();
    // The page reuses the object before the first answer: the standard drops that request silently.
    xhr.open('GET', '/static/other.json');
    const loaded = new Promise((resolve) => xhr.addEventListener('loadend', resolve));
    xhr.send();
    await loaded;
    await settle();
    // Before the fix the first send's listener stayed and filed 'plain' under the turns URL.
    expect(records).toEqual([]);
  });

  it('records a response once when the page calls send twice', async () => {
    const { target, records } = setup();
    const xhr = new target.XMLHttpRequest();
    xhr.open('GET', TURNS_URL);
    xhr.send();
    expect(() => xhr.send()).toThrow('already called');
    await settle();
    expect(records.map((record) => record.url)).toEqual([TURNS_URL]);
  });

  it('keeps the name and source text of the XHR methods it wraps', () => {
    const { target } = setup();
    for (const key of ['open', 'send', 'setRequestHeader'] as const) {
      const wrapped = target.XMLHttpRequest.prototype[key];
      expect(wrapped).not.toBe(Xhr.prototype[key]);
      expect(String(wrapped)).toBe(String(Xhr.prototype[key]));
      expect(wrapped.name).toBe(key);
    }
  });

  it('restores the prototype on uninstall', () => {
    const { target, hook } = setup();
    const patched = target.XMLHttpRequest.prototype.send;
    hook.uninstall();
    expect(target.XMLHttpRequest.prototype.send).not.toBe(patched);
    expect(target.XMLHttpRequest.prototype.send).toBe(Xhr.prototype.send);
  });
});
