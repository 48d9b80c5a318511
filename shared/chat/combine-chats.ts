import type { Character, Chat } from './chat.ts';
import { applyCharacterInfo, mergeChats } from './merge-chats.ts';

/**
 * Joins chats read from different sources (capture files, dumper files) into one list: chats with
 * the same id merge by the one merge rule, then character info fills in what each chat lacks.
 */
export function combineChats(chats: readonly Chat[], characters: readonly Character[]): Chat[] {
  const byId = new Map<string, Chat>();
  for (const chat of chats) {
    const existing = byId.get(chat.chatId);
    byId.set(chat.chatId, existing === undefined ? chat : mergeChats(existing, chat));
  }
  return [...byId.values()].map((chat) => applyCharacterInfo(chat, characters));
}
