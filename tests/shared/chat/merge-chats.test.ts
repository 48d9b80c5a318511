import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adaptCaptures } from '../../../shared/cai/adapt-captures.ts';
import { captureRecordSchema } from '../../../shared/capture/capture-record.ts';
import type { Character, Chat, Message } from '../../../shared/chat/chat.ts';
import { UNKNOWN_CHARACTER_NAME } from '../../../shared/chat/merge-characters.ts';
import { applyCharacterInfo, mergeChats, normalizeChat } from '../../../shared/chat/merge-chats.ts';

function message(id: string, extra: Partial<Message> = {}): Message {
  return { id, role: 'char', text: `text ${id}`, swipes: [], ...extra };
}

function chat(messages: Message[], extra: Partial<Chat> = {}): Chat {
  return {
    chatId: 'chat-m',
    source: 'neo',
    character: { name: 'Tessaly' },
    messages,
    identities: [{ kind: 'author-name', value: 'mira_quillfeather' }],
    ...extra,
  };
}

const minute = (value: number) => new Date(Date.UTC(2025, 0, 1, 12, value)).toISOString();
const timed = (id: string, at: number, extra: Partial<Message> = {}) =>
  message(id, { createdAt: minute(at), ...extra });
const ids = (merged: Chat) => merged.messages.map((one) => one.id);

const messageArb: fc.Arbitrary<Message> = fc
  .record({
    id: fc.constantFrom('m1', 'm2', 'm3', 'm4', 'm5', 'm6'),
    role: fc.constantFrom('user' as const, 'char' as const),
    text: fc.constantFrom('a', 'b', 'c', ''),
    swipes: fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 3 }),
    minute: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
    sequence: fc.option(fc.integer({ min: 0, max: 10 }), { nil: undefined }),
    textMissing: fc.option(fc.constant(true), { nil: undefined }),
    edited: fc.option(fc.constant(true), { nil: undefined }),
  })
  .map(({ minute: at, sequence, textMissing, edited, ...rest }) => {
    const built: Message = { ...rest };
    if (at !== undefined) built.createdAt = minute(at);
    if (sequence !== undefined) built.sequence = sequence;
    if (textMissing !== undefined) built.textMissing = textMissing;
    if (edited !== undefined) built.edited = edited;
    return built;
  });

const chatArb: fc.Arbitrary<Chat> = fc
  .record({
    messages: fc.array(messageArb, { maxLength: 8 }),
    name: fc.constantFrom('Tessaly', '', UNKNOWN_CHARACTER_NAME, 'Bram'),
    greeting: fc.option(fc.constantFrom('hello', ''), { nil: undefined }),
    identity: fc.constantFrom('mira', 'mirabel'),
  })
  .map(({ messages, name, greeting, identity }) =>
    chat(messages, {
      character: greeting === undefined ? { name } : { name, greeting },
      identities: [{ kind: 'username', value: identity }],
    }),
  );

describe('mergeChats', () => {
  it('is idempotent: mergeChats(a, a) is normalized a', () => {
    fc.assert(
      fc.property(chatArb, (a) => {
        const normalized = mergeChats(normalizeChat(a), normalizeChat(a));
        expect(mergeChats(normalized, normalized)).toEqual(normalized);
      }),
      { numRuns: 300 },
    );
  });

  it('is idempotent under re-merging: mergeChats(mergeChats(a, b), b) equals mergeChats(a, b)', () => {
    fc.assert(
      fc.property(chatArb, chatArb, (a, b) => {
        const once = mergeChats(a, b);
        expect(mergeChats(once, b)).toEqual(once);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps an adapted chat unchanged when merged with itself', () => {
    const records = readFileSync('samples/captures/neo-session.jsonl', 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => captureRecordSchema.parse(JSON.parse(line)));
    for (const adapted of adaptCaptures(records).chats) expect(mergeChats(adapted, adapted)).toEqual(adapted);
  });

  it('unions messages by id in time order, without duplicates', () => {
    const existing = chat([timed('m1', 1), timed('m3', 3), timed('m5', 5)]);
    const incoming = chat([timed('m2', 2), timed('m3', 3), timed('m4', 4), timed('m6', 6)]);
    expect(ids(mergeChats(existing, incoming))).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6']);
  });

  it('falls back to sequence, then to list order around shared messages', () => {
    const bySequence = mergeChats(
      chat([message('a', { sequence: 1 }), message('c', { sequence: 3 })]),
      chat([message('b', { sequence: 2 })]),
    );
    expect(ids(bySequence)).toEqual(['a', 'b', 'c']);
    const byAnchors = mergeChats(
      chat([message('a'), message('c')]),
      chat([message('b'), message('c'), message('d')]),
    );
    expect(ids(byAnchors)).toEqual(['a', 'b', 'c', 'd']);
  });

  it.each([
    [
      'the newer text wins and the replaced text becomes a swipe',
      message('m', { text: 'old', swipes: ['x'] }),
      message('m', { text: 'new', swipes: ['y'] }),
      { text: 'new', swipes: ['y', 'x', 'old'] },
    ],
    [
      'an edit replaces the text without keeping the old one',
      message('m', { text: 'typo' }),
      message('m', { text: 'fixed', edited: true }),
      { text: 'fixed', swipes: [], edited: true },
    ],
    [
      'a newer capture without text keeps the known text',
      message('m', { text: 'known' }),
      message('m', { text: '', textMissing: true, swipes: ['s'] }),
      { text: 'known', swipes: ['s'] },
    ],
    [
      'swipes are unioned without duplicates or the chosen text',
      message('m', { text: 'a', swipes: ['b', 'c'] }),
      message('m', { text: 'b', swipes: ['a', 'c', 'd'] }),
      { text: 'b', swipes: ['a', 'c', 'd'] },
    ],
  ])('merges one message: %s', (_label, existing, incoming, expected) => {
    const merged = mergeChats(chat([existing]), chat([incoming])).messages[0];
    expect(merged).toMatchObject(expected);
    expect(merged?.textMissing).toBeUndefined();
  });

  it('fills character fields from whichever has them, incoming first', () => {
    const existing = chat([], {
      character: { name: 'Tessaly', id: 'char-1', greeting: 'hi', title: 'old title' },
    });
    const incoming = chat([], {
      character: { name: UNKNOWN_CHARACTER_NAME, title: 'new title', description: 'desc' },
    });
    expect(mergeChats(existing, incoming).character).toEqual({
      name: 'Tessaly',
      id: 'char-1',
      greeting: 'hi',
      title: 'new title',
      description: 'desc',
    });
  });

  it('unions identities and keeps the earlier creation time', () => {
    const merged = mergeChats(
      chat([], { createdAt: minute(5), identities: [{ kind: 'username', value: 'mira' }] }),
      chat([], {
        createdAt: minute(2),
        identities: [
          { kind: 'username', value: 'mira' },
          { kind: 'user-id', value: '7' },
        ],
      }),
    );
    expect(merged.identities).toEqual([
      { kind: 'username', value: 'mira' },
      { kind: 'user-id', value: '7' },
    ]);
    expect(merged.createdAt).toBe(minute(2));
  });
});

describe('applyCharacterInfo', () => {
  const infos: Character[] = [
    { id: 'char-1', name: 'Tessaly Prime', greeting: 'Welcome.', definition: '' },
    { id: 'char-2', name: 'Bram' },
  ];

  it('fills the chat character from the info with the same id, info winning', () => {
    const applied = applyCharacterInfo(
      chat([], { character: { id: 'char-1', name: 'Tessaly', definition: 'kept' } }),
      infos,
    );
    expect(applied.character).toEqual({
      id: 'char-1',
      name: 'Tessaly Prime',
      greeting: 'Welcome.',
      definition: 'kept',
    });
  });

  it.each([
    ['no id', { name: 'Tessaly' }],
    ['an unknown id', { id: 'char-9', name: 'Tessaly' }],
  ])('leaves a chat with %s as it is', (_label, character) => {
    const original = chat([], { character });
    expect(applyCharacterInfo(original, infos)).toBe(original);
  });
});
