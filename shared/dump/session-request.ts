import { caiApiFamily } from '../cai/cai-hosts.ts';
import { parseCaptureUrl } from '../cai/capture-endpoint.ts';
import type { DumpRequest } from './dump-request.ts';

export interface SessionRequestOptions {
  /** The page's own fetch (before any hook), called as the page calls it. */
  fetch: typeof fetch;
  /** The `Authorization: Token …` the page uses, when known; read at each request, never stored. */
  authorization: () => string | undefined;
}

/**
 * A DumpRequest over a page's fetch with the user's session, for code that runs in the page (the
 * userscript, the extension's page-world script). The token goes into the request header and
 * nowhere else: not into the response, the record, a log or an error.
 */
export function createSessionRequest(options: SessionRequestOptions): DumpRequest {
  return async (url, init) => {
    const headers: Record<string, string> = { ...init.headers };
    // The session goes to Character.AI's own hosts only, whatever hosts a caller configured.
    const authorization = isCaiUrl(url) ? options.authorization() : undefined;
    if (authorization !== undefined) headers.authorization = authorization;
    const pageFetch = options.fetch;
    const response = await pageFetch(url, {
      method: init.method,
      headers,
      ...(init.body === undefined ? {} : { body: init.body }),
      ...(init.signal === undefined ? {} : { signal: init.signal }),
    });
    const bodyText = await response.text();
    const retryAfter = response.headers.get('retry-after');
    return { status: response.status, bodyText, ...(retryAfter === null ? {} : { retryAfter }) };
  };
}

function isCaiUrl(url: string): boolean {
  const parsed = parseCaptureUrl(url);
  return parsed !== undefined && parsed.protocol === 'https:' && caiApiFamily(parsed.hostname) !== undefined;
}
