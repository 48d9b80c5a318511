import type { AnonChat } from '../chat/anon-chat.ts';
import { characterKey } from './character-groups.ts';

export interface ExportCounts {
  chats: number;
  /** Chosen messages; swipes are alternatives of a message and are not counted. */
  messages: number;
  /** Distinct character records (see `character-groups.ts`). */
  characters: number;
}

export function countExport(chats: readonly AnonChat[]): ExportCounts {
  const characters = new Set<string>();
  let messages = 0;
  for (const chat of chats) {
    messages += chat.messages.length;
    characters.add(characterKey(chat.character));
  }
  return { chats: chats.length, messages, characters: characters.size };
}
