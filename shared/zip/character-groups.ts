import type { AnonCharacter, AnonChat } from '../chat/anon-chat.ts';

/**
 * Chats grouped by character, in order of first appearance. Anonymized chats carry no character
 * id, so two chats belong to the same character when their whole character record is equal: many
 * different bots share a name, and the store applies one record to every chat of a character.
 */
export interface CharacterGroup {
  character: AnonCharacter;
  chats: AnonChat[];
}

export function characterKey(character: AnonCharacter): string {
  // Fixed field order, so the key does not depend on the order the object was built in.
  return JSON.stringify([
    character.name,
    character.title ?? null,
    character.description ?? null,
    character.greeting ?? null,
    character.definition ?? null,
  ]);
}

export function groupChatsByCharacter(chats: readonly AnonChat[]): CharacterGroup[] {
  const groups = new Map<string, CharacterGroup>();
  for (const chat of chats) {
    const key = characterKey(chat.character);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { character: chat.character, chats: [chat] });
    else group.chats.push(chat);
  }
  return [...groups.values()];
}
