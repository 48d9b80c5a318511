import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { dumpFetchInPage } from '../../../extension/content/dump-fetch-in-page.ts';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/**
 * A real local server stands in for character.ai: the fetch given to dumpFetchInPage sends every
 * request there, as `--host-resolver-rules` does in the browser, and the server records the headers.
 */
async function siteThatRecords() {
  const seen: {
    method: string;
    url: string;
    authorization: string | undefined;
    type: string | undefined;
    body: string;
  }[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    request.on('end', () => {
      seen.push({
        method: request.method ?? '',
        url: request.url ?? '',
        authorization: request.headers.authorization,
        type: request.headers['content-type'],
        body,
      });
      if (request.url?.includes('busy') === true) {
        response.writeHead(429, { 'content-type': 'text/plain', 'retry-after': '30' }).end('slow down');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"turns":[]}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => server.close());
  const port = (server.address() as AddressInfo).port;
  const routed: typeof fetch = (input, init) => {
    const url = new URL(String(input));
    return fetch(`http://127.0.0.1:${port}${url.pathname}${url.search}`, init);
  };
  return { seen, routed };
}

describe('dumpFetchInPage', () => {
  it("sends the page's session and a JSON body, and hands back status, text and type", async () => {
    const site = await siteThatRecords();
    const reply = await dumpFetchInPage(
      {
        url: 'https://neo.character.ai/character/v1/get_character_info',
        method: 'POST',
        body: '{"external_id":"c1"}',
      },
      'Token abc123',
      site.routed,
    );
    expect(reply).toEqual({ status: 200, bodyText: '{"turns":[]}', contentType: 'application/json' });
    expect(site.seen).toEqual([
      {
        method: 'POST',
        url: '/character/v1/get_character_info',
        authorization: 'Token abc123',
        type: 'application/json',
        body: '{"external_id":"c1"}',
      },
    ]);
  });

  it("hands back the site's Retry-After so the dumper waits at least that long", async () => {
    const site = await siteThatRecords();
    const reply = await dumpFetchInPage(
      { url: 'https://neo.character.ai/chats/recent/?busy=1', method: 'GET' },
      'Token abc123',
      site.routed,
    );
    expect(reply).toMatchObject({ status: 429, retryAfter: '30' });
  });

  it('asks without a token when the page has not signed in, so the site says why', async () => {
    const site = await siteThatRecords();
    await dumpFetchInPage(
      { url: 'https://neo.character.ai/chats/recent/', method: 'GET' },
      undefined,
      site.routed,
    );
    expect(site.seen[0]?.authorization).toBeUndefined();
  });

  it('refuses any address that is not a character.ai host over https, before fetching', async () => {
    const site = await siteThatRecords();
    for (const url of [
      'https://evil.example/turns/x/',
      'http://neo.character.ai/turns/x/',
      'https://character.ai.evil.example/',
    ]) {
      await expect(
        dumpFetchInPage({ url, method: 'GET' }, 'Token abc123', site.routed),
      ).rejects.toBeInstanceOf(PygboxError);
    }
    expect(site.seen).toEqual([]);
  });
});
