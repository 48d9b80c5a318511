import { describe, expect, it } from 'vitest';
import type { AnonChat, AnonMessage } from '../../../shared/chat/anon-chat.ts';
import { keepsIncoming, mergeConsent } from '../../../trainer-node/serve/keep-rule.ts';
import { prefixChain, prefixHashAt } from '../../../trainer-node/serve/message-prefix.ts';
import { inventedChat } from './serve-fixtures.ts';

/** The invented chat around these messages (the key is not hashed, so it may be stale). */
function chatWith(
  messages: readonly AnonMessage[],
  character: Partial<AnonChat['character']> = {},
): AnonChat {
  const chat = inventedChat(44, 0);
  return { ...chat, character: { ...chat.character, ...character }, messages: [...messages] };
}

/** A held copy as the catalogue stores it: its length and the hash of all its messages. */
function heldOf(messages: readonly AnonMessage[]): { messages: number; prefixSha256: string } {
  const prefixSha256 = prefixHashAt(prefixChain(chatWith(messages)), messages.length);
  if (prefixSha256 === undefined) throw new Error('no prefix hash');
  return { messages: messages.length, prefixSha256 };
}

function incomingOf(messages: readonly AnonMessage[]): { messages: number; prefixChain: Uint8Array } {
  return { messages: messages.length, prefixChain: prefixChain(chatWith(messages)) };
}

/** A copy of the chat's messages with one field of message `index` changed. */
function edited(
  messages: readonly AnonMessage[],
  index: number,
  change: Partial<AnonMessage>,
): AnonMessage[] {
  return messages.map((message, at) => (at === index ? { ...message, ...change } : { ...message }));
}

describe('which copy of a chat is kept', () => {
  it.each([
    [5, 9, true],
    [9, 5, false],
    [7, 7, false],
    [0, 3, true],
  ])('honest copies: held %i messages, incoming %i: keeps incoming %s', (held, incoming, expected) => {
    const chat = inventedChat(40, Math.max(held, incoming));
    const keeps = keepsIncoming(
      heldOf(chat.messages.slice(0, held)),
      incomingOf(chat.messages.slice(0, incoming)),
    );
    expect(keeps).toBe(expected);
  });

  it('keeps the held copy against an edit after the 4th message, of the same length or longer', () => {
    const held = inventedChat(41, 8).messages;
    const sameLength = edited(held, 6, { text: 'Something the contributor never wrote.' });
    const longer = [...edited(held, 5, { text: 'Altered.' }), ...inventedChat(41, 10).messages.slice(8)];
    expect(keepsIncoming(heldOf(held), incomingOf(sameLength))).toBe(false);
    expect(keepsIncoming(heldOf(held), incomingOf(longer))).toBe(false);
    // The control: the same continuation without the edit is taken.
    expect(keepsIncoming(heldOf(held), incomingOf(inventedChat(41, 10).messages))).toBe(true);
  });

  it.each([
    ['role', { role: 'user' as const }],
    ['swipes', { swipes: ['A swipe slipped in.'] }],
    ['day', { day: '2020-01-01' }],
  ])('counts a changed %s of a held message as an edit', (_field, change) => {
    const held = inventedChat(42, 6).messages;
    const longer = [...edited(held, 4, change), ...inventedChat(42, 8).messages.slice(6)];
    expect(keepsIncoming(heldOf(held), incomingOf(longer))).toBe(false);
  });

  it('counts a changed character card as an edit, the messages extended honestly', () => {
    const held = inventedChat(45, 6).messages;
    const longer = inventedChat(45, 8).messages;
    const heldChain = prefixChain(chatWith(held));
    for (const character of [{ greeting: 'Another greeting.' }, { definition: 'Another definition.' }]) {
      const chain = prefixChain(chatWith(longer, character));
      expect(
        keepsIncoming(
          { messages: 6, prefixSha256: prefixHashAt(heldChain, 6) ?? '' },
          { messages: 8, prefixChain: chain },
        ),
      ).toBe(false);
    }
  });

  it('tells messages apart however their texts split', () => {
    const base = inventedChat(43, 2).messages;
    const a = edited(edited(base, 0, { text: 'ab' }), 1, { text: 'c' });
    const b = edited(edited(base, 0, { text: 'a' }), 1, { text: 'bc' });
    expect(prefixHashAt(prefixChain(chatWith(a)), 2)).not.toBe(prefixHashAt(prefixChain(chatWith(b)), 2));
  });

  it('publishes a chat only when every upload of it said public', () => {
    expect(mergeConsent('public', 'public')).toBe('public');
    expect(mergeConsent('public', 'private')).toBe('private');
    expect(mergeConsent('private', 'public')).toBe('private');
    expect(mergeConsent('private', 'private')).toBe('private');
  });
});
