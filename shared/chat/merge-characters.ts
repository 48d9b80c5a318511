import type { Character } from './chat.ts';

/** The name a chat gets when no record named its character. */
export const UNKNOWN_CHARACTER_NAME = 'Unknown character';

const OPTIONAL_FIELDS = [
  'id',
  'title',
  'description',
  'greeting',
  'definition',
  'creatorName',
  'avatarFile',
] as const;

/**
 * Character info seen again: the newer record's non-empty fields win, and fields it lacks keep
 * their earlier value (a chat-list entry names a character but carries no definition, and must
 * not erase the definition an info response gave before). The one rule for the adapters, the
 * chat merge and the store.
 */
export function mergeCharacters(existing: Character, incoming: Character): Character {
  const name = hasName(incoming.name)
    ? incoming.name
    : hasName(existing.name)
      ? existing.name
      : UNKNOWN_CHARACTER_NAME;
  const merged: Character = { name };
  for (const field of OPTIONAL_FIELDS) {
    const value = filled(incoming[field]) ?? filled(existing[field]);
    if (value !== undefined) merged[field] = value;
  }
  return merged;
}

function hasName(name: string): boolean {
  return name.trim() !== '' && name !== UNKNOWN_CHARACTER_NAME;
}

function filled(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
