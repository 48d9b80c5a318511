import { caiApiFamily } from '../../shared/cai/cai-hosts.ts';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import type { TabFetchReply } from '../messages/tab-protocol.ts';

export interface PageFetchRequest {
  url: string;
  method: 'GET' | 'POST';
  body?: string;
}

/**
 * One request of the active dumper, made in the page world with the session the page itself uses.
 *
 * Why here and not in the service worker or the isolated world: the neo API wants the page's
 * `Authorization: Token …` header besides cookies. The hook sees that header on the page's own
 * requests; keeping it in this world (the page already holds it) means the token is never posted
 * to another context, never stored and never logged. The request goes through the fetch the page
 * had before the hook, so the hook does not record it a second time: the dumper records what it
 * fetched itself.
 */
export async function dumpFetchInPage(
  request: PageFetchRequest,
  authorization: string | undefined,
  pageFetch: typeof fetch,
): Promise<TabFetchReply> {
  const url = new URL(request.url);
  if (url.protocol !== 'https:' || caiApiFamily(url.hostname) === undefined) {
    throw new PygboxError('dump-failed', 'the dumper asked for an address outside character.ai', {
      hint: 'This is a bug in Pygbox; nothing was fetched. Please report it.',
      place: { field: 'url' },
    });
  }
  // Without a token the request still goes out as the page's would: the site's 401 then says why.
  const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  const response = await pageFetch(url.href, {
    method: request.method,
    headers,
    credentials: 'include',
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  const retryAfter = response.headers.get('retry-after');
  return {
    status: response.status,
    bodyText: await response.text(),
    contentType: response.headers.get('content-type') ?? '',
    // The site's own wait on a 429: the dumper waits at least this long.
    ...(retryAfter === null ? {} : { retryAfter }),
  };
}
