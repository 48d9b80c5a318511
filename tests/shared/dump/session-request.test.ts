import { describe, expect, it } from 'vitest';
import { createSessionRequest } from '../../../shared/dump/session-request.ts';

const TOKEN = 'Token session-secret-42';

function recordingFetch() {
  const sent: { url: string; authorization: string | null }[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    sent.push({ url: String(input), authorization: new Headers(init?.headers).get('authorization') });
    return new Response('{}', { status: 429, headers: { 'retry-after': '7' } });
  }) as typeof globalThis.fetch;
  return { sent, fetch };
}

describe('createSessionRequest', () => {
  it("sends the session to Character.AI's hosts and nowhere else", async () => {
    const { sent, fetch } = recordingFetch();
    const request = createSessionRequest({ fetch, authorization: () => TOKEN });
    await request('https://neo.character.ai/turns/chat-1/', { method: 'GET' });
    await request('https://old.character.ai/chat/user/', { method: 'GET' });
    await request('https://example.com/turns/chat-1/', { method: 'GET' });
    await request('https://neo.character.ai.example.com/turns/chat-1/', { method: 'GET' });
    await request('http://neo.character.ai/turns/chat-1/', { method: 'GET' });
    expect(sent.map((entry) => entry.authorization)).toEqual([TOKEN, TOKEN, null, null, null]);
  });

  it('hands back the status, the body text and a Retry-After', async () => {
    const { fetch } = recordingFetch();
    const request = createSessionRequest({ fetch, authorization: () => TOKEN });
    expect(await request('https://neo.character.ai/chats/recent/', { method: 'GET' })).toEqual({
      status: 429,
      bodyText: '{}',
      retryAfter: '7',
    });
  });
});
