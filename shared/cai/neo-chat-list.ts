import { z } from 'zod';
import { identityOf } from '../chat/identities.ts';
import { defineAdapter } from './cai-adapter.ts';
import type { CaptureYield } from './capture-yield.ts';
import { neoTurnSchema } from './neo-turn-schema.ts';
import { optionalTextSchema, siteIdSchema } from './site-id-schema.ts';

/**
 * Neo chat lists (`/chats/?character_ids=`, `/chats/recent/`, `/chats/recent/{charId}`) and the
 * single chat (`/chat/{chat_id}/`). They link chats to characters, name the creator (the user)
 * and may carry the newest turns as `preview_turns`.
 */
const neoChatEntrySchema = z.object({
  chat_id: siteIdSchema,
  create_time: optionalTextSchema,
  creator_id: siteIdSchema.nullish(),
  character_id: siteIdSchema.nullish(),
  character_name: optionalTextSchema,
  preview_turns: z.array(neoTurnSchema).nullish(),
});
type NeoChatEntry = z.infer<typeof neoChatEntrySchema>;

export const neoChatListAdapter = defineAdapter(
  'neo chat list',
  z.object({ chats: z.array(neoChatEntrySchema) }),
  (body) => yieldOfEntries(body.chats),
);

export const neoSingleChatAdapter = defineAdapter(
  'neo chat',
  z.object({ chat: neoChatEntrySchema }),
  (body) => yieldOfEntries([body.chat]),
);

function yieldOfEntries(entries: readonly NeoChatEntry[]): CaptureYield {
  return {
    chatLinks: entries.map((entry) => ({
      chatId: entry.chat_id,
      characterId: entry.character_id ?? undefined,
      characterName: entry.character_name,
      createdAt: entry.create_time,
    })),
    neoPages: entries
      .filter((entry) => (entry.preview_turns ?? []).length > 0)
      .map((entry) => ({
        chatId: entry.chat_id,
        turns: entry.preview_turns ?? [],
        requestToken: undefined,
        nextToken: undefined,
        preview: true,
      })),
    identities: entries.flatMap((entry) => identityOf('user-id', entry.creator_id)),
  };
}
