import { describe, expect, it } from 'vitest';
import type { Character } from '../../../shared/chat/chat.ts';
import { mergeCharacters, UNKNOWN_CHARACTER_NAME } from '../../../shared/chat/merge-characters.ts';

describe('mergeCharacters', () => {
  it.each<[string, Character, Character, Character]>([
    [
      'newer non-empty fields win',
      { id: 'c1', name: 'Aria', title: 'old', greeting: 'Hi' },
      { id: 'c1', name: 'Aria Vale', title: 'new' },
      { id: 'c1', name: 'Aria Vale', title: 'new', greeting: 'Hi' },
    ],
    [
      'a chat-list entry without a definition keeps the stored one',
      { id: 'c1', name: 'Aria', definition: 'long definition' },
      { id: 'c1', name: 'Aria', definition: '  ' },
      { id: 'c1', name: 'Aria', definition: 'long definition' },
    ],
    [
      'an unknown name never replaces a known one',
      { name: 'Aria' },
      { name: UNKNOWN_CHARACTER_NAME, title: 't' },
      { name: 'Aria', title: 't' },
    ],
    ['two unknown names stay unknown', { name: '' }, { name: ' ' }, { name: UNKNOWN_CHARACTER_NAME }],
  ])('%s', (_name, existing, incoming, expected) => {
    expect(mergeCharacters(existing, incoming)).toEqual(expected);
  });

  it('is idempotent', () => {
    const a: Character = { id: 'c1', name: 'Aria', title: 'x', avatarFile: 'a.png' };
    const b: Character = { id: 'c1', name: 'Aria Vale', description: 'y' };
    const once = mergeCharacters(a, b);
    expect(mergeCharacters(once, b)).toEqual(once);
    expect(mergeCharacters(once, once)).toEqual(once);
  });
});
