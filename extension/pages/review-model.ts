import type { AnonChat, AnonMessage } from '../../shared/chat/anon-chat.ts';
import type { Chat } from '../../shared/chat/chat.ts';
import type { PygboxStore } from '../../shared/store/pygbox-store.ts';
import type { StoreSettings } from '../../shared/store/store-settings.ts';

/** One stored chat as the review page shows it: anonymized text, with the ids its buttons act on. */
export interface ReviewChat {
  chatId: string;
  anon: AnonChat;
  excluded: boolean;
  messages: { id: string; anon: AnonMessage; excluded: boolean }[];
}

/**
 * Pairs stored chats with their anonymized versions (the anonymizer keeps chats and messages in
 * order, one for one) and marks what the user excluded. The ids stay on this page: they are what
 * the exclude and delete buttons name, and never part of what is shown as exported.
 */
export function reviewChats(
  chats: readonly Chat[],
  anonymized: readonly AnonChat[],
  settings: Pick<StoreSettings, 'excludedChats' | 'excludedMessages'>,
): ReviewChat[] {
  if (chats.length !== anonymized.length)
    throw new Error('the anonymized chats do not match the stored ones');
  const excludedChats = new Set(settings.excludedChats);
  const excludedMessages = new Set(
    settings.excludedMessages.map((entry) => messageKey(entry.chatId, entry.messageId)),
  );
  return chats.map((chat, index) => {
    const anon = anonymized[index];
    if (anon === undefined) throw new Error('the anonymized chats do not match the stored ones');
    const messages = chat.messages.map((message, position) => {
      const anonMessage = anon.messages[position];
      if (anonMessage === undefined) throw new Error('the anonymized chats do not match the stored ones');
      return {
        id: message.id,
        anon: anonMessage,
        excluded: excludedMessages.has(messageKey(chat.chatId, message.id)),
      };
    });
    return { chatId: chat.chatId, anon, excluded: excludedChats.has(chat.chatId), messages };
  });
}

/** Settings with one chat or message added to, or taken out of, the exclusions. */
export function toggleExclusion(
  settings: StoreSettings,
  target: { chatId: string; messageId?: string },
  excluded: boolean,
): StoreSettings {
  if (target.messageId === undefined) {
    const others = settings.excludedChats.filter((id) => id !== target.chatId);
    return { ...settings, excludedChats: excluded ? [...others, target.chatId] : others };
  }
  const { chatId, messageId } = target;
  const others = settings.excludedMessages.filter(
    (entry) => entry.chatId !== chatId || entry.messageId !== messageId,
  );
  return { ...settings, excludedMessages: excluded ? [...others, { chatId, messageId }] : others };
}

function messageKey(chatId: string, messageId: string): string {
  return `${chatId}\u0000${messageId}`;
}

/**
 * Leaves a chat or message out of exports, or lets it back in. Read and write happen in one store
 * transaction: with a separate read and write, two ticks in quick succession both read the old
 * settings and the second write undoes the first, so a message the user left out would be exported.
 */
export async function setExclusion(
  store: Pick<PygboxStore, 'updateSettings'>,
  target: { chatId: string; messageId?: string },
  excluded: boolean,
): Promise<void> {
  await store.updateSettings((settings) => toggleExclusion(settings, target, excluded));
}
