import type { Character } from '../chat/chat.ts';
import { mergeCharacters } from '../chat/merge-characters.ts';
import { type Captured, compareCaptureTime } from './captured.ts';

/**
 * Every character info of a batch, one per id, sorted by id. The same character captured twice
 * keeps the newest capture's value of each field that has one.
 */
export function catalogCharacters(captured: readonly Captured<Character>[]): Character[] {
  const byId = new Map<string, Character>();
  for (const { value } of [...captured].sort(compareCaptureTime)) {
    const id = value.id;
    if (id === undefined) continue;
    const known = byId.get(id);
    byId.set(id, known === undefined ? value : mergeCharacters(known, value));
  }
  return [...byId.values()].sort((a, b) => ((a.id ?? '') < (b.id ?? '') ? -1 : 1));
}

/**
 * The one info whose name is `name` (trimmed, case- and accent-composition-insensitive); undefined
 * when none or several match, because a guess could give a chat the wrong character.
 */
export function characterNamed(characters: readonly Character[], name: string): Character | undefined {
  const wanted = nameKey(name);
  if (wanted === '') return undefined;
  const matches = characters.filter((character) => nameKey(character.name) === wanted);
  return matches.length === 1 ? matches[0] : undefined;
}

function nameKey(name: string): string {
  return name.normalize('NFC').trim().toLowerCase();
}
