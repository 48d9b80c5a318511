import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { adaptCaptures } from '../../../shared/cai/adapt-captures.ts';
import { captureRecordSchema } from '../../../shared/capture/capture-record.ts';
import { type Chat, chatSchema } from '../../../shared/chat/chat.ts';

const SAMPLES = 'samples/captures';

function readRecords(file: string) {
  return readFileSync(`${SAMPLES}/${file}`, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => captureRecordSchema.parse(JSON.parse(line)));
}

const neo = readRecords('neo-session.jsonl');
const legacy = readRecords('legacy-session.jsonl');
const adapted = adaptCaptures([...neo, ...legacy]);

function chat(chatId: string): Chat {
  const found = adapted.chats.find((candidate) => candidate.chatId === chatId);
  if (found === undefined) throw new Error(`sample chat ${chatId} missing`);
  return found;
}

describe('the bundled sample captures', () => {
  it('are valid capture records and stay small', () => {
    expect(neo.length + legacy.length).toBe(18);
    const bytes = ['neo-session.jsonl', 'legacy-session.jsonl', 'dumper-export.json', 'README.md']
      .map((file) => readFileSync(`${SAMPLES}/${file}`).byteLength)
      .reduce((sum, size) => sum + size, 0);
    expect(bytes).toBeLessThan(100_000);
  });

  it('adapt to the expected chats, messages, characters and problems', () => {
    expect(
      adapted.chats.map((one) => [one.chatId, one.source, one.character.name, one.messages.length]),
    ).toEqual([
      ['chat-aria-1', 'neo', 'Aria Vale', 12],
      ['chat-brine-1', 'neo', 'Captain Brine', 6],
      ['hist-quill-1', 'legacy', 'Professor Quill', 5],
      ['hist-quill-2', 'legacy', 'Professor Quill', 5],
    ]);
    expect(adapted.characters.map((character) => character.id)).toEqual([
      'char-aria-0001',
      'char-brine-0002',
      'char-quill-0003',
    ]);
    expect(adapted.problems.map((problem) => [problem.recordIndex, problem.kind, problem.endpoint])).toEqual([
      [9, 'neo-error', '/turns/{id}/'],
      [10, 'html-error', '/chats/recent/'],
      [11, 'unknown-endpoint', '/murooms/'],
    ]);
    expect(adapted.recordsUsed).toBe(15);
    for (const one of adapted.chats) expect(chatSchema.safeParse(one).success).toBe(true);
  });

  it('rebuild the out-of-order, re-captured neo chat with its swipes and edit', () => {
    const aria = chat('chat-aria-1');
    expect(aria.messages.map((message) => message.id)).toEqual(
      Array.from({ length: 12 }, (_, index) => `t-aria-${String(index + 1).padStart(2, '0')}`),
    );
    expect(aria.messages.map((message) => message.swipes.length)).toEqual([
      0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 1,
    ]);
    expect(aria.messages[10]).toMatchObject({ text: 'Goodnight, Aria!', edited: true, swipes: [] });
    expect(aria.messages[11]?.swipes).toEqual(['Goodnight, Zoë.']);
    expect(aria.messages.slice(8, 10).map((message) => message.role)).toEqual(['char', 'char']);
  });

  it('keep the user first in the Brine chat and skip its empty candidate', () => {
    const brine = chat('chat-brine-1');
    expect(brine.messages.map((message) => message.role)).toEqual([
      'user',
      'char',
      'char',
      'user',
      'char',
      'user',
    ]);
    expect(brine.messages[4]?.swipes).toEqual([]);
  });

  it('fold legacy alternatives into swipes and keep the user first in hist-quill-2', () => {
    expect(chat('hist-quill-1').messages[2]?.swipes).toEqual(['Excuses are the ink stains of the soul.']);
    const second = chat('hist-quill-2');
    expect(second.messages.map((message) => message.role)).toEqual(['user', 'char', 'user', 'char', 'char']);
    expect(second.messages[1]?.swipes).toEqual(['Ink? My favourite subject.']);
  });

  it('reveal the invented user through account and chat identities', () => {
    expect(adapted.identities).toEqual(
      expect.arrayContaining([
        { kind: 'username', value: 'zoe_starlight' },
        { kind: 'first-name', value: 'Zoë' },
        { kind: 'account-name', value: 'Zoë Starling' },
        { kind: 'persona-name', value: 'Zee Nightingale' },
        { kind: 'user-id', value: '777000111' },
      ]),
    );
    expect(chat('chat-aria-1').identities).toEqual(
      expect.arrayContaining([{ kind: 'author-name', value: 'zoe_starlight' }]),
    );
    expect(chat('hist-quill-1').identities).toEqual(
      expect.arrayContaining([{ kind: 'display-name', value: 'Zoë' }]),
    );
  });
});
