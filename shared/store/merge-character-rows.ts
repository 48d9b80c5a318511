import type { Character } from '../chat/chat.ts';
import { UNKNOWN_CHARACTER_NAME } from '../chat/merge-chats.ts';

const FIELDS = ['title', 'description', 'greeting', 'definition', 'creatorName', 'avatarFile'] as const;

/**
 * Character info seen again: the newer record's non-empty fields win, fields it lacks keep their
 * stored value (a chat-list entry names a character but carries no definition, and must not erase
 * the definition an info response stored earlier).
 */
export function mergeCharacterRows(stored: Character, incoming: Character): Character {
  const merged: Character = { ...stored, name: filled(incoming.name) ?? stored.name };
  if (incoming.id !== undefined) merged.id = incoming.id;
  for (const field of FIELDS) {
    const value = filled(incoming[field]);
    if (value !== undefined) merged[field] = value;
  }
  return merged;
}

function filled(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' || value === UNKNOWN_CHARACTER_NAME ? undefined : value;
}
