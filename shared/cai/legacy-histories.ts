import { z } from 'zod';
import type { Identity } from '../chat/chat.ts';
import { identityOf } from '../chat/identities.ts';
import { defineAdapter } from './cai-adapter.ts';
import type { LegacyMessage, LegacyPage } from './capture-yield.ts';
import { optionalTextSchema, siteIdSchema } from './site-id-schema.ts';

/**
 * Legacy `POST …/chat/character/histories/` and `/histories_v2/` → `{histories:[{external_id,
 * msgs}]}`: every saved chat with one character, each complete. The original Pygmalion dumper file
 * embeds the same body, so its reader is exported for `dumper-file.ts`.
 */
const legacyParticipantSchema = z.object({
  is_human: z.boolean(),
  name: optionalTextSchema,
  user: z
    .object({
      id: siteIdSchema.nullish(),
      username: optionalTextSchema,
      first_name: optionalTextSchema,
      name: optionalTextSchema,
      account: z.object({ name: optionalTextSchema }).nullish(),
    })
    .nullish(),
});
type LegacyParticipant = z.infer<typeof legacyParticipantSchema>;

const legacyHistoryMessageSchema = z.object({
  id: siteIdSchema.nullish(),
  uuid: siteIdSchema.nullish(),
  text: z.string().nullish(),
  display_name: optionalTextSchema,
  is_alternative: z.boolean().nullish(),
  created: optionalTextSchema,
  src: legacyParticipantSchema,
  tgt: legacyParticipantSchema.nullish(),
});
type LegacyHistoryMessage = z.infer<typeof legacyHistoryMessageSchema>;

export const legacyHistorySchema = z.object({
  external_id: siteIdSchema,
  created: optionalTextSchema,
  msgs: z.array(legacyHistoryMessageSchema),
});
export type LegacyHistory = z.infer<typeof legacyHistorySchema>;

export const legacyHistoriesBodySchema = z.object({ histories: z.array(legacyHistorySchema) });

export const legacyHistoriesAdapter = defineAdapter(
  'legacy histories',
  legacyHistoriesBodySchema,
  (body) => ({
    legacyPages: body.histories.map((history) => legacyPageOfHistory(history, 'legacy', undefined)),
  }),
);

export function legacyPageOfHistory(
  history: LegacyHistory,
  source: LegacyPage['source'],
  characterId: string | undefined,
): LegacyPage {
  return {
    chatId: history.external_id,
    source,
    pageNum: 0,
    messages: history.msgs.map((msg, index) => legacyMessageOfHistory(msg, history.external_id, index)),
    createdAt: history.created,
    characterId,
  };
}

function legacyMessageOfHistory(msg: LegacyHistoryMessage, chatId: string, index: number): LegacyMessage {
  const isHuman = msg.src.is_human;
  // The user shows up as `src` of their own messages and as `tgt` of the bot's.
  const identities: Identity[] = [];
  if (isHuman) {
    identities.push(...participantIdentities(msg.src), ...identityOf('display-name', msg.display_name));
  }
  if (msg.tgt?.is_human === true) identities.push(...participantIdentities(msg.tgt));
  return {
    // Older dumps may lack ids; the position keeps such messages distinct and in order.
    id: msg.id ?? msg.uuid ?? `${chatId}#${index}`,
    text: msg.text ?? '',
    textMissing: msg.text === null || msg.text === undefined,
    isHuman,
    isAlternative: msg.is_alternative === true,
    authorName: msg.src.name ?? (isHuman ? undefined : msg.display_name),
    authorId: isHuman ? (msg.src.user?.id ?? undefined) : undefined,
    createdAt: msg.created,
    identities,
  };
}

function participantIdentities(participant: LegacyParticipant): Identity[] {
  const user = participant.user;
  return [
    ...identityOf('author-name', participant.name),
    ...identityOf('username', user?.username),
    ...identityOf('first-name', user?.first_name),
    ...identityOf('display-name', user?.name),
    ...identityOf('account-name', user?.account?.name),
    ...identityOf('user-id', user?.id),
  ];
}
