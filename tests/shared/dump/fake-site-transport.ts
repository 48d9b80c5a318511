import type { DumpRequest } from '../../../shared/dump/dump-request.ts';
import { createSessionRequest } from '../../../shared/dump/session-request.ts';
import { FAKE_SESSION_TOKEN } from '../../support/fake-cai-site/fake-cai-data.ts';

/**
 * A dumper transport that sends character.ai URLs to the fake site over real HTTP, the way DNS
 * would: neo.character.ai to its `/_neo/` prefix, the legacy hosts to its root. The records keep
 * the real URLs, so the store's adapters read them as they would the site's.
 */
export function fakeSiteTransport(
  siteUrl: string,
  options: { token?: string | undefined } = {},
): DumpRequest {
  const mappedFetch = ((input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const prefix = url.hostname === 'neo.character.ai' ? '/_neo' : '';
    return fetch(`${siteUrl}${prefix}${url.pathname}${url.search}`, init);
  }) as typeof fetch;
  const token = 'token' in options ? options.token : FAKE_SESSION_TOKEN;
  return createSessionRequest({
    fetch: mappedFetch,
    authorization: () => (token === undefined ? undefined : `Token ${token}`),
  });
}
