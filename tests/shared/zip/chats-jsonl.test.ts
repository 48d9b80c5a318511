import { describe, expect, it } from 'vitest';
import { parseChatsJsonl, serializeAnonChats } from '../../../shared/zip/chats-jsonl.ts';
import { ALL_CHATS, LIGHTHOUSE } from './anon-chat-fixtures.ts';

describe('chats.jsonl', () => {
  it.each([[[]], [[LIGHTHOUSE]], [ALL_CHATS]] as const)(
    'round-trips %# through serialize and parse',
    (chats) => {
      const text = serializeAnonChats(chats);
      expect(text.split('\n')).toHaveLength(chats.length + 1);
      expect(parseChatsJsonl(text)).toEqual(chats);
    },
  );

  it.each([
    ['a blank line in the middle', `${JSON.stringify(LIGHTHOUSE)}\n\n${JSON.stringify(LIGHTHOUSE)}\n`, 2],
    ['a chat without a key', `${JSON.stringify({ ...LIGHTHOUSE, key: undefined })}\n`, 1],
    [
      'an id field',
      `${JSON.stringify(LIGHTHOUSE)}\n${JSON.stringify({ ...LIGHTHOUSE, chatId: 'c-1' })}\n`,
      2,
    ],
  ])('rejects %s naming line %i', (_label, text, line) => {
    expect(() => parseChatsJsonl(text)).toThrow(new RegExp(`line ${line} `));
  });
});
