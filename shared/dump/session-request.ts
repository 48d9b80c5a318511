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
    const authorization = options.authorization();
    if (authorization !== undefined) headers.authorization = authorization;
    const pageFetch = options.fetch;
    const response = await pageFetch(url, {
      method: init.method,
      headers,
      ...(init.body === undefined ? {} : { body: init.body }),
      ...(init.signal === undefined ? {} : { signal: init.signal }),
    });
    return { status: response.status, bodyText: await response.text() };
  };
}
