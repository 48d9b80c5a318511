import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { adaptDumperFile } from '../../../shared/cai/dumper-file.ts';
import { legacyHistoryMessage } from '../../fixtures/cai/legacy-builders.ts';
import { neoCharacterInfo } from '../../fixtures/cai/neo-builders.ts';

const REDACTED_HUMAN = {
  is_human: true,
  name: '[NAME_REDACTED]',
  user: {
    id: 5150,
    username: '[USERNAME_REDACTED]',
    first_name: '[FIRST_NAME_REDACTED]',
    name: '[NAME_REDACTED]',
    account: { name: '[ACCOUNT_NAME_REDACTED]' },
  },
};

function redacted(message: Record<string, unknown>, human: boolean): Record<string, unknown> {
  return human
    ? { ...message, src: REDACTED_HUMAN, display_name: '[DISPLAY_NAME_REDACTED]' }
    : { ...message, tgt: REDACTED_HUMAN };
}

const dumperFile = {
  info: {
    character: neoCharacterInfo('char-41', 'Orlen', { user__username: '[BOT_CREATOR_NAME_REDACTED]' }),
    status: 'OK',
  },
  histories: {
    histories: [
      {
        external_id: 'hist-41',
        created: '2023-01-05T08:00:00.000Z',
        msgs: [
          redacted(
            legacyHistoryMessage({ id: 1, human: false, text: 'Hello, [NAME_IN_MESSAGE_REDACTED].' }),
            false,
          ),
          redacted(legacyHistoryMessage({ id: 2, human: true, text: 'Hi!' }), true),
          redacted(legacyHistoryMessage({ id: 3, human: false, text: 'Tea?' }), false),
          redacted(legacyHistoryMessage({ id: 4, human: false, text: 'Coffee?', alternative: true }), false),
        ],
      },
      {
        external_id: 'hist-42',
        msgs: [redacted(legacyHistoryMessage({ id: 9, human: true, text: 'Again' }), true)],
      },
    ],
  },
};

describe('adaptDumperFile', () => {
  it('reads every history as a dumper chat linked to the file character', () => {
    const adapted = adaptDumperFile(dumperFile);
    expect(adapted.problems).toEqual([]);
    expect(adapted.recordsUsed).toBe(1);
    expect(
      adapted.chats.map((chat) => [chat.chatId, chat.source, chat.character.id, chat.character.name]),
    ).toEqual([
      ['hist-41', 'dumper', 'char-41', 'Orlen'],
      ['hist-42', 'dumper', 'char-41', 'Orlen'],
    ]);
    expect(adapted.chats[0]?.character.greeting).toBe('greeting of Orlen');
    expect(adapted.chats[0]?.messages.map((message) => [message.role, message.text, message.swipes])).toEqual(
      [
        ['char', 'Hello, [NAME_IN_MESSAGE_REDACTED].', []],
        ['user', 'Hi!', []],
        ['char', 'Tea?', ['Coffee?']],
      ],
    );
  });

  it('never collects the dumper redaction tokens as identities', () => {
    const adapted = adaptDumperFile(dumperFile);
    const values = adapted.chats.flatMap((chat) => chat.identities.map((identity) => identity.value));
    expect(values.filter((value) => value.includes('REDACTED'))).toEqual([]);
    // The numeric id was not redacted by the dumper, so it still names the user.
    expect(values).toContain('5150');
    expect(adapted.characters[0]).not.toHaveProperty('creatorName');
  });

  it('reads a definitions file as character info only', () => {
    const adapted = adaptDumperFile({
      character: neoCharacterInfo('char-43', 'Orlen', { definition: '{{char}}: Tea is a ritual.' }),
      user__username: '[BOT_CREATOR_NAME_REDACTED]',
    });
    expect(adapted.chats).toEqual([]);
    expect(adapted.characters).toEqual([
      expect.objectContaining({ id: 'char-43', definition: '{{char}}: Tea is a ritual.' }),
    ]);
    expect(adapted.problems).toEqual([]);
  });

  it.each([
    ['an array', []],
    ['a string', 'not a dump'],
    ['null', null],
    ['unknown keys', { chats: [] }],
  ])('reports %s as unknown-shape without throwing', (_label, json) => {
    const adapted = adaptDumperFile(json);
    expect(adapted.chats).toEqual([]);
    expect(adapted.problems).toEqual([
      expect.objectContaining({ kind: 'unknown-shape', endpoint: 'dumper-file' }),
    ]);
  });

  it('reports a chat file with a broken history naming the field', () => {
    const adapted = adaptDumperFile({ info: dumperFile.info, histories: { histories: [{ msgs: [] }] } });
    expect(adapted.problems[0]?.message).toContain('histories.histories[0].external_id');
  });

  it('reads the bundled sample dumper export', () => {
    const json: unknown = JSON.parse(readFileSync('samples/captures/dumper-export.json', 'utf8'));
    const adapted = adaptDumperFile(json);
    expect(adapted.problems).toEqual([]);
    expect(adapted.chats).toHaveLength(1);
    expect(adapted.chats[0]?.character.name).toBe('Sir Whiskers');
    expect(adapted.chats[0]?.messages).toHaveLength(5);
    expect(adapted.chats[0]?.messages[2]?.swipes).toHaveLength(1);
  });
});

describe('adaptDumperFile: the definitions file’s creator', () => {
  it('keeps the top-level user__username as the character’s creator, so exports can redact it', () => {
    const adapted = adaptDumperFile({
      character: { external_id: 'char-x', name: 'Sir Whiskers', greeting: 'Made by kittyqueen_77' },
      user__username: 'kittyqueen_77',
    });
    expect(adapted.characters[0]?.creatorName).toBe('kittyqueen_77');
  });
});
