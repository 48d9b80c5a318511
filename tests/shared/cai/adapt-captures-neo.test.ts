import { describe, expect, it } from 'vitest';
import { adaptCaptures } from '../../../shared/cai/adapt-captures.ts';
import type { Chat } from '../../../shared/chat/chat.ts';
import { capturedAtMinute, captureRecord } from '../../fixtures/cai/capture-records.ts';
import {
  FIXTURE_USER_ID,
  FIXTURE_USERNAME,
  NEO,
  neoCharacterInfo,
  neoChatEntry,
  neoTurn,
  neoTurnsRecord,
} from '../../fixtures/cai/neo-builders.ts';
import { onlyChat } from '../../fixtures/cai/only-chat.ts';

const ids = (chat: Chat) => chat.messages.map((message) => message.id);
const roles = (chat: Chat) => chat.messages.map((message) => message.role);

describe('adaptCaptures: neo roles come only from the human flag', () => {
  it.each([
    [
      'a bot named exactly like the user',
      [
        neoTurn({ id: 't1', minute: 1, human: true }),
        neoTurn({ id: 't2', minute: 2, name: FIXTURE_USERNAME }),
      ],
      ['user', 'char'],
    ],
    [
      'the user speaking first',
      [neoTurn({ id: 't1', minute: 1, human: true }), neoTurn({ id: 't2', minute: 2 })],
      ['user', 'char'],
    ],
    [
      'two bot turns in a row',
      [
        neoTurn({ id: 't1', minute: 1 }),
        neoTurn({ id: 't2', minute: 2 }),
        neoTurn({ id: 't3', minute: 3, human: true }),
      ],
      ['char', 'char', 'user'],
    ],
    [
      'two user turns in a row',
      [neoTurn({ id: 't1', minute: 1, human: true }), neoTurn({ id: 't2', minute: 2, human: true })],
      ['user', 'user'],
    ],
    [
      'a human named like the character',
      [neoTurn({ id: 't1', minute: 1 }), neoTurn({ id: 't2', minute: 2, human: true, name: 'Tessaly' })],
      ['char', 'user'],
    ],
  ])('%s', (_label, turns, expected) => {
    expect(roles(onlyChat([neoTurnsRecord('chat-1', turns)]))).toEqual(expected);
  });

  it('reads is_human: false like an absent flag', () => {
    const turn = {
      ...neoTurn({ id: 't1', minute: 1 }),
      author: { author_id: '5', name: 'Tessaly', is_human: false },
    };
    expect(roles(onlyChat([neoTurnsRecord('chat-1', [turn])]))).toEqual(['char']);
  });
});

describe('adaptCaptures: neo candidates', () => {
  it('chooses the primary candidate and keeps the others as swipes in site order', () => {
    const turn = neoTurn({
      id: 't1',
      minute: 1,
      candidates: [
        { id: 'a', text: 'first try' },
        { id: 'b', text: 'chosen one' },
        { id: 'c', text: 'third try' },
      ],
      primary: 'b',
    });
    const message = onlyChat([neoTurnsRecord('chat-1', [turn])]).messages[0];
    expect(message?.text).toBe('chosen one');
    expect(message?.swipes).toEqual(['first try', 'third try']);
  });

  it.each([
    ['missing', undefined],
    ['unknown', 'no-such-candidate'],
  ])('falls back to the last candidate when primary_candidate_id is %s', (_label, primary) => {
    const turn = {
      ...neoTurn({
        id: 't1',
        minute: 1,
        candidates: [
          { id: 'a', text: 'early' },
          { id: 'b', text: 'late' },
        ],
      }),
      primary_candidate_id: primary,
    };
    const message = onlyChat([neoTurnsRecord('chat-1', [turn])]).messages[0];
    expect(message?.text).toBe('late');
    expect(message?.swipes).toEqual(['early']);
  });

  it('marks a chosen candidate without raw_content as textMissing with empty text', () => {
    const turn = neoTurn({
      id: 't1',
      minute: 1,
      candidates: [
        { id: 'a', text: 'other' },
        { id: 'b', text: undefined },
      ],
      primary: 'b',
    });
    const message = onlyChat([neoTurnsRecord('chat-1', [turn])]).messages[0];
    expect(message).toMatchObject({ text: '', textMissing: true, swipes: ['other'] });
  });

  it('skips a non-chosen candidate without raw_content as a swipe', () => {
    const turn = neoTurn({
      id: 't1',
      minute: 1,
      candidates: [
        { id: 'a', text: undefined },
        { id: 'b', text: 'kept' },
      ],
      primary: 'b',
    });
    const message = onlyChat([neoTurnsRecord('chat-1', [turn])]).messages[0];
    expect(message?.swipes).toEqual([]);
    expect(message?.textMissing).toBeUndefined();
  });

  it('marks an edited chosen candidate and collects the editor as an identity', () => {
    const turn = neoTurn({
      id: 't1',
      minute: 1,
      human: true,
      candidates: [{ id: 'a', text: 'fixed typo', editor: { author_id: '31337', name: 'mira_editor' } }],
    });
    const chat = onlyChat([neoTurnsRecord('chat-1', [turn])]);
    expect(chat.messages[0]?.edited).toBe(true);
    expect(chat.identities).toEqual(
      expect.arrayContaining([
        { kind: 'author-name', value: 'mira_editor' },
        { kind: 'user-id', value: '31337' },
      ]),
    );
  });
});

describe('adaptCaptures: neo pages', () => {
  const turns = Array.from({ length: 6 }, (_, index) =>
    neoTurn({ id: `t${index + 1}`, minute: index + 1, human: index % 2 === 1 }),
  );
  const pages = [
    neoTurnsRecord('chat-1', turns.slice(4, 6), { nextToken: 'tok-2', capturedAt: capturedAtMinute(1) }),
    neoTurnsRecord('chat-1', turns.slice(2, 4), {
      requestToken: 'tok-2',
      nextToken: 'tok-3',
      capturedAt: capturedAtMinute(2),
    }),
    neoTurnsRecord('chat-1', turns.slice(0, 2), {
      requestToken: 'tok-3',
      nextToken: null,
      capturedAt: capturedAtMinute(3),
    }),
  ];

  it('merges pages oldest first whatever order they arrive in', () => {
    const expected = ['t1', 't2', 't3', 't4', 't5', 't6'];
    expect(ids(onlyChat(pages))).toEqual(expected);
    expect(ids(onlyChat([...pages].reverse()))).toEqual(expected);
    expect(ids(onlyChat([pages[1], pages[2], pages[0]].filter((page) => page !== undefined)))).toEqual(
      expected,
    );
  });

  it('keeps one message per turn when a page is captured twice', () => {
    const chat = onlyChat([...pages, ...pages]);
    expect(ids(chat)).toEqual(['t1', 't2', 't3', 't4', 't5', 't6']);
  });

  it('takes text and primary from the later capture and unions swipes by candidate id', () => {
    const before = neoTurn({
      id: 't9',
      minute: 9,
      candidates: [
        { id: 'a', text: 'first draft' },
        { id: 'b', text: 'second draft' },
      ],
      primary: 'a',
    });
    const after = neoTurn({
      id: 't9',
      minute: 9,
      candidates: [
        { id: 'b', text: 'second draft' },
        { id: 'c', text: 'third draft' },
      ],
      primary: 'c',
    });
    const early = neoTurnsRecord('chat-1', [before], { capturedAt: capturedAtMinute(1) });
    const late = neoTurnsRecord('chat-1', [after], { capturedAt: capturedAtMinute(5) });
    for (const order of [
      [early, late],
      [late, early],
    ]) {
      const message = onlyChat(order).messages[0];
      expect(message?.text).toBe('third draft');
      expect(message?.swipes).toEqual(['second draft', 'first draft']);
    }
  });

  it('orders turns without create_time by the page chain and gives them a sequence', () => {
    const untimed = Array.from({ length: 4 }, (_, index) => neoTurn({ id: `u${index + 1}` }));
    const records = [
      neoTurnsRecord('chat-2', untimed.slice(0, 2), {
        requestToken: 'next',
        capturedAt: capturedAtMinute(1),
      }),
      neoTurnsRecord('chat-2', untimed.slice(2, 4), { nextToken: 'next', capturedAt: capturedAtMinute(2) }),
    ];
    const chat = onlyChat(records);
    expect(ids(chat)).toEqual(['u1', 'u2', 'u3', 'u4']);
    expect(chat.messages.map((message) => message.sequence)).toEqual([0, 1, 2, 3]);
  });

  it('orders by create_time even against the page position', () => {
    const late = neoTurn({ id: 'x-late', minute: 30 });
    const early = neoTurn({ id: 'x-early', minute: 10 });
    // Sent newest first the site would say [late, early]; this page says the opposite.
    const record = captureRecord(`${NEO}/turns/chat-3/`, {
      turns: [early, late],
      meta: { next_token: null },
    });
    expect(ids(onlyChat([record]))).toEqual(['x-early', 'x-late']);
    expect(onlyChat([record]).messages[0]?.sequence).toBeUndefined();
  });

  it('merges chat-list preview turns with the pages without duplicates', () => {
    const preview = [turns[5], turns[4]];
    const list = captureRecord(`${NEO}/chats/?character_ids=char-1`, {
      chats: [neoChatEntry('chat-1', 'char-1', 'Tessaly', { preview_turns: preview })],
    });
    expect(ids(onlyChat([list, ...pages]))).toEqual(['t1', 't2', 't3', 't4', 't5', 't6']);
  });
});

describe('adaptCaptures: neo characters and identities', () => {
  const turns = [
    neoTurn({ id: 't1', minute: 1, name: 'Tessa (bot)' }),
    neoTurn({ id: 't2', minute: 2, human: true }),
  ];

  it('falls back to the bot author name when nothing else names the character', () => {
    expect(onlyChat([neoTurnsRecord('chat-1', turns)]).character).toEqual({ name: 'Tessa (bot)' });
  });

  it('uses "Unknown character" when no bot turn has a name', () => {
    const user = neoTurn({ id: 't1', minute: 1, human: true });
    expect(onlyChat([neoTurnsRecord('chat-1', [user])]).character.name).toBe('Unknown character');
  });

  it('takes the character from the chat list and fills it from the info with that id', () => {
    const adapted = adaptCaptures([
      neoTurnsRecord('chat-1', turns),
      captureRecord(`${NEO}/chats/recent/`, { chats: [neoChatEntry('chat-1', 'char-51', 'Tessaly')] }),
      captureRecord(`${NEO}/character/v1/get_character_info`, {
        character: neoCharacterInfo('char-51', 'Tessaly Prime'),
      }),
    ]);
    const character = adapted.chats[0]?.character;
    expect(character).toMatchObject({
      id: 'char-51',
      name: 'Tessaly Prime',
      greeting: 'greeting of Tessaly Prime',
    });
    expect(adapted.chats[0]?.createdAt).toBe('2025-01-10T11:59:00.000000Z');
    expect(adapted.characters.map((known) => known.id)).toEqual(['char-51']);
    expect(adapted.recordsUsed).toBe(3);
  });

  it('gathers human author names and ids per chat and creators per account', () => {
    const adapted = adaptCaptures([
      neoTurnsRecord('chat-1', turns),
      captureRecord(`${NEO}/chats/recent/`, { chats: [neoChatEntry('chat-1', 'char-51', 'Tessaly')] }),
    ]);
    expect(adapted.chats[0]?.identities).toEqual([
      { kind: 'author-name', value: FIXTURE_USERNAME },
      { kind: 'user-id', value: FIXTURE_USER_ID },
    ]);
    expect(adapted.identities).toEqual([{ kind: 'user-id', value: FIXTURE_USER_ID }]);
  });

  it('drops chats known only from a chat list', () => {
    const adapted = adaptCaptures([
      captureRecord(`${NEO}/chats/recent/`, { chats: [neoChatEntry('chat-9', 'c', 'T')] }),
    ]);
    expect(adapted.chats).toEqual([]);
    expect(adapted.recordsUsed).toBe(1);
  });
});

describe('adaptCaptures: problems', () => {
  it('reports error, unknown-endpoint and unknown-shape records and still reads the rest', () => {
    const adapted = adaptCaptures([
      captureRecord(`${NEO}/turns/chat-1/`, { command: 'neo_error', comment: 'gone' }),
      captureRecord(`${NEO}/chats/recent/`, '<html>Just a moment...</html>', { status: 403 }),
      captureRecord(`${NEO}/turns/chat-1/`, { detail: 'slow down' }, { status: 429 }),
      captureRecord(`${NEO}/murooms/`, { rooms: [] }),
      captureRecord(`${NEO}/turns/chat-1/`, { turns: 'not a list' }),
      neoTurnsRecord('chat-1', [neoTurn({ id: 't1', minute: 1 })]),
    ]);
    expect(adapted.problems.map((problem) => [problem.recordIndex, problem.kind])).toEqual([
      [0, 'neo-error'],
      [1, 'html-error'],
      [2, 'rate-limited'],
      [3, 'unknown-endpoint'],
      [4, 'unknown-shape'],
    ]);
    expect(adapted.chats).toHaveLength(1);
    expect(adapted.recordsUsed).toBe(1);
  });

  it('gives an empty result for no records', () => {
    expect(adaptCaptures([])).toEqual({
      chats: [],
      characters: [],
      identities: [],
      problems: [],
      recordsUsed: 0,
    });
  });
});
