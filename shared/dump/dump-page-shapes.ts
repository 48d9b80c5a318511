import { z } from 'zod';

/**
 * The few fields the dumper pages by. The adapters read the full bodies later from the records;
 * these only say where the next page is, and are as loose as the site is inconsistent.
 */
const nextTokenSchema = z
  .object({ next_token: z.string().nullish() })
  .nullish()
  .transform((meta) =>
    typeof meta?.next_token === 'string' && meta.next_token !== '' ? meta.next_token : undefined,
  );

export const neoTurnsPagingSchema = z.object({ turns: z.array(z.unknown()), meta: nextTokenSchema });

export const neoChatListPagingSchema = z.object({
  chats: z.array(z.object({ chat_id: z.string().min(1), character_id: z.string().nullish() })),
  meta: nextTokenSchema,
});

export const legacyMessagesPagingSchema = z.object({
  messages: z.array(z.unknown()),
  has_more: z.boolean().nullish(),
  next_page: z.number().int().nullish(),
});

export const legacyHistoriesPagingSchema = z.object({
  histories: z.array(z.object({ msgs: z.array(z.unknown()) })),
});
