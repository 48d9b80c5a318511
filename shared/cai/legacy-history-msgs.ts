import { z } from 'zod';
import { identityOf } from '../chat/identities.ts';
import { defineAdapter } from './cai-adapter.ts';
import type { LegacyMessage } from './capture-yield.ts';
import { optionalTextSchema, siteIdSchema } from './site-id-schema.ts';

/**
 * Legacy `GET …/chat/history/msgs/user/?history_external_id=ID&page_num=N` →
 * `{messages, has_more, next_page}`. The chat id is only in the query; page 1 is the newest and
 * each next page older history, oldest message first within a page.
 */
const legacyFlatMessageSchema = z.object({
  id: siteIdSchema.nullish(),
  uuid: siteIdSchema.nullish(),
  text: z.string().nullish(),
  src__name: optionalTextSchema,
  src__is_human: z.boolean(),
  src__user__username: optionalTextSchema,
  src_char: z.object({ participant: z.object({ name: optionalTextSchema }).nullish() }).nullish(),
  is_alternative: z.boolean().nullish(),
  responsible_user__username: optionalTextSchema,
});
type LegacyFlatMessage = z.infer<typeof legacyFlatMessageSchema>;

export const legacyHistoryMsgsAdapter = defineAdapter(
  'legacy history messages',
  z.object({ messages: z.array(legacyFlatMessageSchema) }),
  (body, url) => {
    const chatId = url.searchParams.get('history_external_id');
    if (chatId === null || chatId === '') {
      return {
        refused: true,
        kind: 'unknown-shape',
        message: 'legacy history messages: the URL has no history_external_id parameter',
      };
    }
    const parsedPage = Number.parseInt(url.searchParams.get('page_num') ?? '1', 10);
    const pageNum = Number.isFinite(parsedPage) ? parsedPage : 1;
    return {
      legacyPages: [
        {
          chatId,
          source: 'legacy',
          pageNum,
          messages: body.messages.map((msg, index) =>
            legacyMessageOfFlat(msg, `${chatId}#p${pageNum}-${index}`),
          ),
          createdAt: undefined,
          characterId: undefined,
        },
      ],
    };
  },
);

function legacyMessageOfFlat(msg: LegacyFlatMessage, fallbackId: string): LegacyMessage {
  const isHuman = msg.src__is_human;
  const botName = msg.src_char?.participant?.name ?? msg.src__name;
  return {
    // Without ids, page and position keep messages distinct.
    id: msg.id ?? msg.uuid ?? fallbackId,
    text: msg.text ?? '',
    textMissing: msg.text === null || msg.text === undefined,
    isHuman,
    isAlternative: msg.is_alternative === true,
    authorName: isHuman ? msg.src__name : botName,
    authorId: undefined,
    createdAt: undefined,
    identities: [
      ...(isHuman ? identityOf('author-name', msg.src__name) : []),
      ...(isHuman ? identityOf('username', msg.src__user__username) : []),
      // On a bot reply this is the user who asked for it.
      ...identityOf('username', msg.responsible_user__username),
    ],
  };
}
