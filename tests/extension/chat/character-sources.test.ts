import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { characterFromCardFile } from '../../../extension/chat/card-character.ts';
import { storedChatCharacters } from '../../../extension/chat/stored-chat-characters.ts';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';
import { openLocalChatStore } from '../../../shared/local-chat/local-chat-store.ts';
import { openPygboxStore } from '../../../shared/store/pygbox-store.ts';
import {
  characterInfo,
  chatList,
  NEW_TURNS,
  OLD_TURNS,
  turnsPage,
  USER_NAME,
} from '../../shared/store/capture-fixtures.ts';
import { pngWithCard } from '../../trainer-node/dataset/card-png.ts';

const v2Card = {
  spec: 'chara_card_v2',
  spec_version: '2.0',
  data: {
    name: 'Aria',
    description: '{{char}} keeps the lighthouse.',
    personality: 'Calm.',
    scenario: 'A storm.',
    first_mes: 'Welcome, {{user}}.',
    alternate_greetings: ['Oh! A visitor.', '  '],
    mes_example: '<START>\n{{user}}: Lit?\n{{char}}: Always.',
    creator: 'someone',
  },
};
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe('characters from card files', () => {
  it('reads a V2 JSON card: persona, scenario, greeting, alternates and examples', () => {
    expect(characterFromCardFile('aria.json', encode(v2Card))).toEqual({
      name: 'Aria',
      persona: '{{char}} keeps the lighthouse.\nCalm.',
      scenario: 'A storm.',
      greeting: 'Welcome, {{user}}.',
      alternateGreetings: ['Oh! A visitor.'],
      exampleDialogue: '<START>\n{{user}}: Lit?\n{{char}}: Always.',
      source: 'card',
    });
  });

  it('reads the same card from a PNG, whatever the file is called', () => {
    expect(characterFromCardFile('card.json', pngWithCard(v2Card))).toEqual(
      characterFromCardFile('aria.json', encode(v2Card)),
    );
  });

  it('refuses a file that is no card, naming the file and never its text', () => {
    let caught: unknown;
    try {
      characterFromCardFile('notes.json', encode({ secret: 'Mira' }));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PygboxError);
    expect((caught as PygboxError).describe()).toContain('notes.json');
    expect((caught as PygboxError).describe()).not.toContain('Mira');
    expect(() => characterFromCardFile('x.png', new Uint8Array([1, 2, 3]))).toThrow(PygboxError);
  });
});

describe('characters from stored chats', () => {
  it('anonymizes the chat first: persona from the description, greeting the first character message', async () => {
    const store = await openPygboxStore({ indexedDB: new IDBFactory() });
    expect(await storedChatCharacters(store)).toEqual([]);
    await store.addCaptures([
      chatList('2024-03-05T11:00:00Z'),
      characterInfo('2024-03-05T11:00:00Z'),
      turnsPage([...OLD_TURNS, ...NEW_TURNS], '2024-03-05T11:00:00Z'),
    ]);
    const [offered, ...rest] = await storedChatCharacters(store);
    expect(rest).toEqual([]);
    expect(offered?.character).toEqual({
      name: 'Chef Sprocket',
      persona: 'Runs a kitchen on the moon.',
      greeting: 'Welcome to my kitchen!',
      source: 'stored-chat',
    });
    expect(offered?.label).toBe('Chef Sprocket · 4 messages · 2024-03-05');
    expect(JSON.stringify(offered)).not.toContain(USER_NAME.split(' ')[0]);
  });

  it("treats the chat page's display name as the user's name, as the export does", async () => {
    const factory = new IDBFactory();
    const store = await openPygboxStore({ indexedDB: factory });
    const local = await openLocalChatStore({ factory });
    await local.updateChatSettings((current) => ({ ...current, userDisplayName: 'Captain Zorblat' }));
    local.close();
    const greeting = {
      id: 't1',
      human: false,
      text: 'Back again, Captain Zorblat?',
      at: '2024-03-05T10:00:00Z',
    };
    await store.addCaptures([
      chatList('2024-03-05T11:00:00Z'),
      characterInfo('2024-03-05T11:00:00Z'),
      turnsPage([greeting, ...OLD_TURNS.slice(1)], '2024-03-05T11:00:00Z'),
    ]);
    const [offered] = await storedChatCharacters(store);
    expect(offered?.character.greeting).toBe('Back again, {{user}}?');
  });
});
