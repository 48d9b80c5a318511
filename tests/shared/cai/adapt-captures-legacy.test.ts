import { describe, expect, it } from 'vitest';
import { adaptCaptures } from '../../../shared/cai/adapt-captures.ts';
import type { CaptureRecord } from '../../../shared/capture/capture-record.ts';
import type { Chat } from '../../../shared/chat/chat.ts';
import { capturedAtMinute, captureRecord } from '../../fixtures/cai/capture-records.ts';
import {
  LEGACY,
  type LegacySpec,
  legacyFlatMessage,
  legacyHistoryMessage,
  legacyMsgsUrl,
} from '../../fixtures/cai/legacy-builders.ts';
import { neoCharacterInfo } from '../../fixtures/cai/neo-builders.ts';
import { onlyChat } from '../../fixtures/cai/only-chat.ts';

function historiesRecord(chatId: string, specs: readonly LegacySpec[], capturedAt?: string): CaptureRecord {
  return captureRecord(
    `${LEGACY}/chat/character/histories_v2/`,
    {
      histories: [
        { external_id: chatId, created: '2023-02-01T10:00:00.000Z', msgs: specs.map(legacyHistoryMessage) },
      ],
    },
    { method: 'POST', capturedAt },
  );
}

const summary = (chat: Chat) =>
  chat.messages.map((message) => [message.id, message.role, message.text, message.swipes]);

describe('adaptCaptures: legacy roles come only from src.is_human / src__is_human', () => {
  it.each([
    [
      'a bot named like the user',
      [
        { id: 1, human: true, text: 'hi' },
        { id: 2, human: false, text: 'hello', botName: 'Mira' },
      ],
      ['user', 'char'],
    ],
    [
      'the user first, then two bot messages',
      [
        { id: 1, human: true, text: 'hi' },
        { id: 2, human: false, text: 'one' },
        { id: 3, human: false, text: 'two' },
      ],
      ['user', 'char', 'char'],
    ],
  ])('%s (histories and msgs endpoints)', (_label, specs, expected) => {
    const fromHistories = onlyChat([historiesRecord('hist-1', specs)]);
    const fromMsgs = onlyChat([
      captureRecord(legacyMsgsUrl('hist-1', 1), { messages: specs.map(legacyFlatMessage) }),
    ]);
    expect(fromHistories.messages.map((message) => message.role)).toEqual(expected);
    expect(fromMsgs.messages.map((message) => message.role)).toEqual(expected);
  });
});

describe('adaptCaptures: legacy alternatives', () => {
  it.each([
    [
      'after the chosen reply',
      [
        { id: 1, human: true, text: 'q' },
        { id: 2, human: false, text: 'chosen' },
        { id: 3, human: false, text: 'alt', alternative: true },
      ],
      [
        ['1', 'user', 'q', []],
        ['2', 'char', 'chosen', ['alt']],
      ],
    ],
    [
      'before the chosen reply (attached to the following one)',
      [
        { id: 1, human: true, text: 'q' },
        { id: 2, human: false, text: 'alt', alternative: true },
        { id: 3, human: false, text: 'chosen' },
      ],
      [
        ['1', 'user', 'q', []],
        ['3', 'char', 'chosen', ['alt']],
      ],
    ],
    [
      'between two bot messages (attached to the preceding one)',
      [
        { id: 1, human: false, text: 'first' },
        { id: 2, human: false, text: 'alt', alternative: true },
        { id: 3, human: false, text: 'second' },
      ],
      [
        ['1', 'char', 'first', ['alt']],
        ['3', 'char', 'second', []],
      ],
    ],
    [
      'with no non-alternative in its run (dropped, never a message)',
      [
        { id: 1, human: true, text: 'q' },
        { id: 2, human: false, text: 'orphan', alternative: true },
        { id: 3, human: true, text: 'q2' },
      ],
      [
        ['1', 'user', 'q', []],
        ['3', 'user', 'q2', []],
      ],
    ],
  ])('keeps an alternative %s as a swipe', (_label, specs, expected) => {
    expect(summary(onlyChat([historiesRecord('hist-1', specs)]))).toEqual(expected);
  });
});

describe('adaptCaptures: legacy msgs pages', () => {
  const older = [
    { id: 11, human: true, text: 'older question' },
    { id: 12, human: false, text: 'older answer' },
    { id: 13, human: false, text: 'older alt', alternative: true },
  ];
  const newer = [
    { id: 14, human: true, text: 'newer question' },
    { id: 15, human: false, text: 'newer answer' },
  ];
  const page1 = captureRecord(legacyMsgsUrl('hist-2', 1), {
    messages: newer.map(legacyFlatMessage),
    has_more: true,
  });
  const page2 = captureRecord(legacyMsgsUrl('hist-2', 2), {
    messages: older.map(legacyFlatMessage),
    has_more: false,
  });
  const expected = [
    ['11', 'user', 'older question', []],
    ['12', 'char', 'older answer', ['older alt']],
    ['14', 'user', 'newer question', []],
    ['15', 'char', 'newer answer', []],
  ];

  it.each([
    ['in fetch order', [page1, page2]],
    ['oldest first', [page2, page1]],
    ['with a page captured twice', [page1, page2, page1]],
  ])('orders by message id %s', (_label, records) => {
    const chat = onlyChat(records);
    expect(summary(chat)).toEqual(expected);
    expect(chat.messages.map((message) => message.sequence)).toEqual([11, 12, 14, 15]);
  });

  it('orders non-numeric ids by page (older pages first) and position', () => {
    const withUuids = (specs: readonly LegacySpec[]) =>
      specs.map((spec) => ({ ...legacyFlatMessage(spec), id: `m-${String(spec.id).padStart(2, '0')}x` }));
    const chat = onlyChat([
      captureRecord(legacyMsgsUrl('hist-3', 1), { messages: withUuids(newer) }),
      captureRecord(legacyMsgsUrl('hist-3', 2), { messages: withUuids(older) }),
    ]);
    expect(chat.messages.map((message) => message.text)).toEqual([
      'older question',
      'older answer',
      'newer question',
      'newer answer',
    ]);
  });

  it('merges a history and msgs pages of the same chat, the later capture winning', () => {
    const question = { id: 14, human: true, text: 'newer question' };
    const edited = { id: 15, human: false, text: 'newer answer, edited' };
    const chat = onlyChat([
      historiesRecord('hist-2', [...older, ...newer], capturedAtMinute(1)),
      captureRecord(
        legacyMsgsUrl('hist-2', 1),
        { messages: [question, edited].map(legacyFlatMessage) },
        {
          capturedAt: capturedAtMinute(2),
        },
      ),
    ]);
    expect(chat.messages.map((message) => message.text)).toEqual([
      'older question',
      'older answer',
      'newer question',
      'newer answer, edited',
    ]);
  });
});

describe('adaptCaptures: legacy characters and identities', () => {
  const specs = [
    { id: 1, human: false, text: 'Greetings.', botName: 'Orlen' },
    { id: 2, human: true, text: 'Hi.' },
  ];
  const info = (id: string, name: string) =>
    captureRecord(
      `${LEGACY}/chat/character/info/`,
      { character: neoCharacterInfo(id, name) },
      { method: 'POST' },
    );

  it('matches character info by the bot name when exactly one info has it', () => {
    const chat = onlyChat([
      historiesRecord('hist-1', specs),
      info('char-61', 'Orlen'),
      info('char-62', 'Bram'),
    ]);
    expect(chat.character).toMatchObject({ id: 'char-61', name: 'Orlen', greeting: 'greeting of Orlen' });
  });

  it('does not guess when two infos share the bot name', () => {
    const adapted = adaptCaptures([
      historiesRecord('hist-1', specs),
      info('char-61', 'Orlen'),
      info('char-63', 'orlen'),
    ]);
    expect(adapted.chats[0]?.character).toEqual({ name: 'Orlen' });
    expect(adapted.characters).toHaveLength(2);
  });

  it('collects the user fields, skipping the bot', () => {
    const chat = onlyChat([historiesRecord('hist-1', specs)]);
    expect(chat.identities.map((identity) => identity.kind).sort()).toEqual([
      'account-name',
      'author-name',
      'display-name',
      'display-name',
      'first-name',
      'user-id',
      'username',
    ]);
    expect(chat.identities.map((identity) => identity.value)).not.toContain('Orlen');
  });

  it('gathers account identities from chat/user and personas, sorted and unique', () => {
    const adapted = adaptCaptures([
      captureRecord(`${LEGACY}/chat/personas/`, {
        personas: [{ title: 'Night Owl' }, { title: 'Night Owl' }],
      }),
      captureRecord(`${LEGACY}/chat/user/`, { user: { user: { id: 5150, username: 'mira_quillfeather' } } }),
    ]);
    expect(adapted.identities).toEqual([
      { kind: 'persona-name', value: 'Night Owl' },
      { kind: 'user-id', value: '5150' },
      { kind: 'username', value: 'mira_quillfeather' },
    ]);
    expect(adapted.recordsUsed).toBe(2);
  });
});

describe('adaptCaptures: legacy message ids', () => {
  it('orders numeric ids past 2^53 exactly', () => {
    const ids = ['9007199254740995', '9007199254740993', '9007199254740992', '9007199254740994'];
    const chat = onlyChat([
      historiesRecord(
        'hist-big',
        ids.map((id, index) => ({ id, human: index % 2 === 0, text: `message ${id.slice(-1)}` })),
      ),
    ]);
    expect(chat.messages.map((message) => message.id)).toEqual([...ids].sort());
  });
});
