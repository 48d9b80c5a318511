import { z } from 'zod';
import { defineAdapter } from './cai-adapter.ts';
import { neoTurnSchema } from './neo-turn-schema.ts';

/**
 * `GET neo.character.ai/turns/{chat_id}/[?next_token=…]` → `{turns, meta:{next_token}}`, newest
 * turn first. The request token and the answer's token are kept so pages can be chained.
 */
const neoTurnsPageSchema = z.object({
  turns: z.array(neoTurnSchema),
  meta: z
    .object({ next_token: z.string().nullish() })
    .nullish()
    .transform((value) => value ?? undefined),
});

export const neoTurnsPageAdapter = defineAdapter('neo turns page', neoTurnsPageSchema, (body, url) => {
  const chatId = neoTurnsChatId(url);
  if (chatId === undefined) {
    return { refused: true, kind: 'unknown-shape', message: 'neo turns page: the URL names no chat id' };
  }
  const requestToken = url.searchParams.get('next_token');
  return {
    neoPages: [
      {
        chatId,
        turns: body.turns,
        requestToken: requestToken === null || requestToken === '' ? undefined : requestToken,
        nextToken: body.meta?.next_token,
        preview: false,
      },
    ],
  };
});

function neoTurnsChatId(url: URL): string | undefined {
  const match = /^\/turns\/([^/]+)\/?$/.exec(url.pathname);
  const raw = match?.[1];
  if (raw === undefined) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
