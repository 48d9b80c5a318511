import { caiApiFamily } from '../cai/cai-hosts.ts';
import type { CaptureRecord } from '../capture/capture-record.ts';
import { PygboxError } from '../errors/pygbox-error.ts';
import { capturableUrl } from './capturable-url.ts';
import { captureBody } from './capture-body.ts';
import type { HookTarget } from './hook-target.ts';
import { mirrorFunctionIdentity } from './mirror-function-identity.ts';
import { sessionAuthorization } from './session-token.ts';

export interface CaptureHookOptions {
  /** Called once per response of a known endpoint, after the page already has its own copy. */
  onCapture: (record: CaptureRecord) => void;
  /** Every failure inside the hook ends here; none ever reaches the page. */
  onError: (error: PygboxError) => void;
  /** The page's `Authorization: Token …` to Character.AI, for the dumper; kept in memory only. */
  onAuthorization?: (authorization: string) => void;
  now?: () => Date;
}

export interface CaptureHook {
  /**
   * The fetch the page had before the hook. The dumper asks through it, so the pages it fetches
   * are recorded once, by the dumper, and not a second time by the hook.
   */
  originalFetch: typeof fetch | undefined;
  /** Puts back what the hook replaced, where nobody wrapped it again since. */
  uninstall(): void;
}

/**
 * Wraps `fetch` and `XMLHttpRequest` of a window to record every response of an endpoint the
 * adapters know. The page's request goes out untouched and its promise or events are the very
 * ones the browser gives; the hook reads a clone of the response (or the finished XHR) after the
 * fact and never waits on anything the page waits on. Any failure inside is caught and reported
 * through `onError`: the site works exactly as without the hook.
 */
export function installCaptureHook(target: HookTarget, options: CaptureHookOptions): CaptureHook {
  const now = options.now ?? (() => new Date());
  const report = (error: unknown): void => {
    try {
      options.onError(
        error instanceof PygboxError
          ? error
          : new PygboxError('hook-failed', 'the capture hook could not read one response', {
              hint: 'The page was not affected. If this repeats, update Pygbox and report the endpoint.',
              cause: error,
            }),
      );
    } catch {
      // The error callback failing must not reach the page either.
    }
  };
  const guard = (work: () => void): void => {
    try {
      work();
    } catch (error) {
      report(error);
    }
  };
  const emit = (url: string, method: string, status: number, body: unknown): void => {
    guard(() => options.onCapture({ url, method, status, body, capturedAt: now().toISOString() }));
  };
  const noteAuthorization = (url: string, value: string | null | undefined): void => {
    const authorization = sessionAuthorization(value);
    if (authorization === undefined || options.onAuthorization === undefined) return;
    if (caiApiFamily(new URL(url, target.location?.href).hostname) === undefined) return;
    options.onAuthorization(authorization);
  };
  const pageHref = (): string | undefined => target.location?.href;

  const restoreFetch = patchFetch(target, { guard, report, emit, noteAuthorization, pageHref });
  const restoreXhr = patchXhr(target, { guard, report, emit, noteAuthorization, pageHref });
  return {
    originalFetch: restoreFetch.original,
    uninstall() {
      restoreFetch.restore();
      restoreXhr();
    },
  };
}

interface HookContext {
  guard: (work: () => void) => void;
  report: (error: unknown) => void;
  emit: (url: string, method: string, status: number, body: unknown) => void;
  noteAuthorization: (url: string, value: string | null | undefined) => void;
  pageHref: () => string | undefined;
}

function patchFetch(
  target: HookTarget,
  context: HookContext,
): { original: typeof fetch | undefined; restore: () => void } {
  const original = target.fetch;
  if (typeof original !== 'function') return { original: undefined, restore: () => undefined };
  const wrapped = function (this: unknown, ...args: Parameters<typeof fetch>): Promise<Response> {
    // The page's call goes first and unchanged; whatever it returns or throws is the page's.
    const pending: Promise<Response> = Reflect.apply(original, this, args);
    context.guard(() => watchFetch(args, pending, context));
    return pending;
  };
  mirrorFunctionIdentity(wrapped, original);
  target.fetch = wrapped;
  return {
    original,
    restore() {
      if (target.fetch === wrapped) target.fetch = original;
    },
  };
}

function watchFetch(args: Parameters<typeof fetch>, pending: Promise<Response>, context: HookContext): void {
  const [input, init] = args;
  const request = typeof input === 'object' && 'headers' in input ? input : undefined;
  const rawUrl = typeof input === 'string' ? input : 'href' in input ? input.href : input.url;
  const headers = new Headers(init?.headers ?? request?.headers);
  context.noteAuthorization(rawUrl, headers.get('authorization'));
  const url = capturableUrl(rawUrl, context.pageHref());
  if (url === undefined) return;
  const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
  pending.then(
    (response) =>
      context.guard(() => {
        // Opaque responses have no readable status or body: nothing to record.
        if (response.type === 'opaque' || response.type === 'opaqueredirect') return;
        // Registered before the page could read the body, so the clone is always possible.
        response
          .clone()
          .text()
          .then(
            (text) => context.emit(url, method, response.status, captureBody(text)),
            (error: unknown) => {
              // The page aborted its own request mid-body: its choice, not a hook failure to log.
              if (!isAbortError(error)) context.report(error);
            },
          );
      }),
    // A failed request is the page's to handle; the hook has nothing to record.
    () => undefined,
  );
}

/** XMLHttpRequest.DONE, spelled out: the target may lack the static constant (test fakes). */
const DONE = 4;

interface XhrRequest {
  method: string;
  rawUrl: string;
  /** Undefined when no adapter knows the endpoint: the XHR is then never read. */
  url: string | undefined;
  /** Set once send() has attached the reader. */
  watched: boolean;
}

function patchXhr(target: HookTarget, context: HookContext): () => void {
  const proto = target.XMLHttpRequest?.prototype;
  if (proto === undefined) return () => undefined;
  const { open, send, setRequestHeader } = proto;
  // One entry per `open()`: a page that re-opens an XHR starts a new request, and the standard ends
  // the old one without any event, so a listener of the old request must not read the new answer.
  const requests = new WeakMap<XMLHttpRequest, XhrRequest>();

  const wrappedOpen = function (this: XMLHttpRequest, ...args: unknown[]): void {
    Reflect.apply(open, this, args);
    context.guard(() => {
      const [method, url] = args;
      const rawUrl = String(url);
      requests.set(this, {
        method: String(method).toUpperCase(),
        rawUrl,
        url: capturableUrl(rawUrl, context.pageHref()),
        watched: false,
      });
    });
  };
  const wrappedSetRequestHeader = function (this: XMLHttpRequest, name: string, value: string): void {
    Reflect.apply(setRequestHeader, this, [name, value]);
    context.guard(() => {
      const request = requests.get(this);
      if (request !== undefined && String(name).toLowerCase() === 'authorization') {
        context.noteAuthorization(request.rawUrl, String(value));
      }
    });
  };
  const wrappedSend = function (this: XMLHttpRequest, ...args: unknown[]): void {
    context.guard(() => {
      const request = requests.get(this);
      const url = request?.url;
      // A second send() of one open() throws in the page; listening twice would record it twice.
      if (request === undefined || url === undefined || request.watched) return;
      request.watched = true;
      const xhr = this;
      // Read at DONE through a capture listener: at its own target that runs before the page's
      // `onreadystatechange`, `onload` and other listeners, so a json answer is copied before the
      // page's code can change that object in place (the standard, and Firefox, hand out one cached
      // object; Chromium parses anew on each read).
      const onStateChange = () =>
        context.guard(() => {
          if (xhr.readyState !== DONE) return;
          xhr.removeEventListener('readystatechange', onStateChange, true);
          if (requests.get(xhr) === request) readXhr(xhr, url, request.method, context);
        });
      xhr.addEventListener('readystatechange', onStateChange, true);
    });
    Reflect.apply(send, this, args);
  };

  mirrorFunctionIdentity(wrappedOpen, open);
  mirrorFunctionIdentity(wrappedSetRequestHeader, setRequestHeader);
  mirrorFunctionIdentity(wrappedSend, send);
  proto.open = wrappedOpen as typeof proto.open;
  proto.setRequestHeader = wrappedSetRequestHeader;
  proto.send = wrappedSend;
  return () => {
    if (proto.open === wrappedOpen) proto.open = open;
    if (proto.setRequestHeader === wrappedSetRequestHeader) proto.setRequestHeader = setRequestHeader;
    if (proto.send === wrappedSend) proto.send = send;
  };
}

/** Reads a finished XHR in whatever form the page asked for, without changing that form. */
function readXhr(xhr: XMLHttpRequest, url: string, method: string, context: HookContext): void {
  // 0: aborted, timed out or refused; the page gets no response and neither does the hook.
  if (xhr.status === 0) return;
  const status = xhr.status;
  switch (xhr.responseType) {
    case '':
    case 'text':
      context.emit(url, method, status, captureBody(xhr.responseText));
      return;
    case 'json':
      // The parsed object is the page's: record a copy so later page edits never change it.
      if (xhr.response !== null) context.emit(url, method, status, JSON.parse(JSON.stringify(xhr.response)));
      return;
    case 'arraybuffer':
      if (xhr.response instanceof ArrayBuffer) {
        context.emit(url, method, status, captureBody(new TextDecoder().decode(xhr.response)));
      }
      return;
    case 'blob':
      if (xhr.response instanceof Blob) {
        xhr.response.text().then(
          (text) => context.emit(url, method, status, captureBody(text)),
          (error: unknown) => context.report(error),
        );
      }
      return;
    default:
      return;
  }
}

function isAbortError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'name' in error && error.name === 'AbortError';
}
