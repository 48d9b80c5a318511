import { describe, expect, it } from 'vitest';
import { createAnonymizer } from '../../../shared/anonymize/anonymizer.ts';
import { anonChatSchema } from '../../../shared/chat/anon-chat.ts';
import type { Chat, Identity } from '../../../shared/chat/chat.ts';

// A synthetic chat: every name, id and text is invented.
function chat(overrides: Partial<Chat> = {}): Chat {
  return {
    chatId: 'chat-7f3a',
    source: 'neo',
    createdAt: '2024-03-09T23:59:58.123Z',
    character: {
      id: 'char-91bd',
      name: 'Nova',
      title: 'Starship pilot',
      description: 'Nova flies with Zoë.',
      greeting: 'Hello Zoë, I am Nova.',
      definition: '{{char}}: Welcome aboard, {{user}}. Nova knows Zoë.',
      creatorName: 'maker_guy_2',
      avatarFile: 'avatars/nova.webp',
    },
    messages: [
      {
        id: 'turn-1',
        role: 'char',
        text: 'Hi Zoë! Nova here.',
        swipes: ['Hey zoe.', 'Greetings ZOË'],
        authorName: 'Nova',
        authorId: 'char-91bd',
        createdAt: '2024-03-10T00:00:01Z',
      },
      {
        id: 'turn-2',
        role: 'user',
        text: 'I am Zoë, mail me at zoe@example.com',
        swipes: [],
        authorName: 'Zoë',
        authorId: '48213377',
        sequence: 2,
      },
    ],
    identities: [
      { kind: 'author-name', value: 'Zoë' },
      { kind: 'user-id', value: '48213377' },
    ],
    ...overrides,
  };
}

const IDENTITIES: Identity[] = [
  { kind: 'author-name', value: 'Zoë' },
  { kind: 'user-id', value: '48213377' },
];

describe('anonymizeChat', () => {
  const anonymizer = createAnonymizer({ identities: IDENTITIES });
  const anon = anonymizer.anonymizeChat(chat());

  it('produces a valid, strict AnonChat', () => {
    expect(() => anonChatSchema.parse(anon)).not.toThrow();
  });

  it('drops ids, avatars, creator and author names', () => {
    const json = JSON.stringify(anon);
    for (const dropped of [
      'chat-7f3a',
      'char-91bd',
      'maker_guy_2',
      'avatars/nova.webp',
      'turn-1',
      '48213377',
    ]) {
      expect(json).not.toContain(dropped);
    }
    expect(Object.keys(anon).sort()).toEqual(['character', 'day', 'key', 'messages', 'source']);
    expect(Object.keys(anon.character).sort()).toEqual([
      'definition',
      'description',
      'greeting',
      'name',
      'title',
    ]);
  });

  it('replaces the user in every text field and the character in texts, keeping the name field', () => {
    expect(anon.character).toEqual({
      name: 'Nova',
      title: 'Starship pilot',
      description: '{{char}} flies with {{user}}.',
      greeting: 'Hello {{user}}, I am {{char}}.',
      definition: '{{char}}: Welcome aboard, {{user}}. {{char}} knows {{user}}.',
    });
    expect(anon.messages).toEqual([
      {
        role: 'char',
        text: 'Hi {{user}}! {{char}} here.',
        swipes: ['Hey {{user}}.', 'Greetings {{user}}'],
        day: '2024-03-10',
      },
      { role: 'user', text: 'I am {{user}}, mail me at [EMAIL]', swipes: [] },
    ]);
  });

  it('keeps the source and coarsens times to the UTC day', () => {
    expect(anon.source).toBe('neo');
    expect(anon.day).toBe('2024-03-09');
  });

  it.each([
    ['no time', undefined],
    ['an unreadable time', 'yesterday-ish'],
  ])('omits the day for %s', (_label, createdAt) => {
    expect(anonymizer.anonymizeChat(chat({ createdAt })).day).toBeUndefined();
  });

  it('derives the key from anonymized content only', () => {
    expect(anon.key).toMatch(/^[0-9a-f]{32}$/);
    const renamedIds = chat({ chatId: 'chat-other', character: { ...chat().character, id: 'char-other' } });
    expect(anonymizer.anonymizeChat(renamedIds).key).toBe(anon.key);
    const changed = chat({ messages: [{ id: 'turn-1', role: 'char', text: 'Different.', swipes: [] }] });
    expect(anonymizer.anonymizeChat(changed).key).not.toBe(anon.key);
  });

  it('gives a longer re-export of the same chat the same key (first four messages)', () => {
    const turns = ['one', 'two', 'three', 'four', 'five', 'six'].map((text, index) => ({
      id: `t${index}`,
      role: index % 2 === 0 ? ('char' as const) : ('user' as const),
      text: `${text} Zoë`,
      swipes: [],
    }));
    const short = anonymizer.anonymizeChat(chat({ messages: turns.slice(0, 4) }));
    const long = anonymizer.anonymizeChat(chat({ messages: turns }));
    const other = anonymizer.anonymizeChat(chat({ messages: turns.slice(1) }));
    expect(long.key).toBe(short.key);
    expect(other.key).not.toBe(short.key);
  });

  it('is deterministic and idempotent over a whole chat', () => {
    expect(anonymizer.anonymizeChat(chat())).toEqual(anon);
    const again = anonymizer.anonymizeChat({
      chatId: 'x',
      source: anon.source,
      createdAt: anon.day,
      character: anon.character,
      messages: anon.messages.map((message, index) => ({
        ...message,
        id: `m${index}`,
        createdAt: message.day,
      })),
      identities: [],
    });
    expect(again).toEqual(anon);
  });

  it('also replaces identities the chat carries that the caller forgot to pass', () => {
    const forgetful = createAnonymizer({ identities: [] });
    const result = forgetful.anonymizeChat(chat());
    expect(JSON.stringify(result)).not.toMatch(/zo[eë]/i);
    expect(result.messages[1]?.text).toBe('I am {{user}}, mail me at [EMAIL]');
  });
});

describe('anonymizeChat: a bot named like the user', () => {
  const anonymizer = createAnonymizer({ identities: [{ kind: 'display-name', value: 'Zoë Quill' }] });

  it.each([
    ['the same name', 'Zoë Quill'],
    ['the same name folded', 'ZOE QUILL'],
    ['one part of the name', 'Quill'],
  ])('redacts the character name for %s and uses {{user}} in texts', (_label, name) => {
    const anon = anonymizer.anonymizeChat(
      chat({ character: { name, greeting: `I am ${name}.` }, messages: [], identities: [] }),
    );
    expect(anon.character.name).toBe('[REDACTED]');
    expect(anon.character.greeting).toBe('I am {{user}}.');
  });

  it('replaces only the identity word in a name that contains it', () => {
    const anon = anonymizer.anonymizeChat(
      chat({ character: { name: "Zoë's Butler", greeting: 'Hi.' }, messages: [], identities: [] }),
    );
    expect(anon.character.name).toBe("{{user}}'s Butler");
  });
});
