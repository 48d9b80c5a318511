import type { AnonChat } from '../../shared/chat/anon-chat.ts';
import { anonymizeForExport } from '../../shared/export/anonymize-for-export.ts';
import { userIdentitiesOf } from '../../shared/export/user-identities.ts';
import type { LocalCharacterInput } from '../../shared/local-chat/local-character.ts';
import type { PygboxStore } from '../../shared/store/pygbox-store.ts';

/** A character offered from a chat captured on character.ai, and a label to pick it by. */
export interface StoredChatCharacter {
  /** The character's name, message count and day: enough to tell the chats apart. */
  label: string;
  character: LocalCharacterInput;
}

/**
 * The characters of the chats in the main store, met as the model met them in training: every
 * chat anonymized and audited by the export's one road with the export's names (the store's
 * identities, the user's own names and the display name they gave the chat page, their redaction
 * words, creators' handles; see shared/export/export-store.ts), then read as `pygbox chat` reads a
 * dumped chat: the persona is the description (the title when there is none), the definition is
 * left out as the dataset leaves it out, and the greeting is the chat's first character message.
 * Fails closed, like an export, when the audit finds an identity left.
 */
export async function storedChatCharacters(store: PygboxStore): Promise<StoredChatCharacter[]> {
  const [chats, accountIdentities, settings, chatSettings] = await Promise.all([
    store.listChats(),
    store.allIdentities(),
    store.getSettings(),
    store.getChatSettings(),
  ]);
  if (chats.length === 0) return [];
  const { audited } = anonymizeForExport(chats, {
    accountIdentities,
    userIdentities: userIdentitiesOf(settings, chatSettings),
    redactions: settings.redactions,
  });
  return audited.chats.map((chat) => ({ label: chatLabel(chat), character: characterOfChat(chat) }));
}

export function characterOfChat(chat: AnonChat): LocalCharacterInput {
  const persona = nonEmpty(chat.character.description) ?? nonEmpty(chat.character.title) ?? '';
  const greeting = chat.messages.find((message) => message.role === 'char')?.text.trim() ?? '';
  return { name: chat.character.name.trim(), persona, greeting, source: 'stored-chat' };
}

function chatLabel(chat: AnonChat): string {
  const messages = `${chat.messages.length} message${chat.messages.length === 1 ? '' : 's'}`;
  return [chat.character.name.trim(), messages, chat.day].filter((part) => part !== undefined).join(' · ');
}

function nonEmpty(text: string | undefined): string | undefined {
  const trimmed = text?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
