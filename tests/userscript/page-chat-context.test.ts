import { describe, expect, it } from 'vitest';
import { pageChatContext } from '../../userscript/page-chat-context.ts';

describe('pageChatContext', () => {
  it.each([
    [
      'https://character.ai/chat/char-1?hist=chat-9',
      { api: 'neo', origin: 'https://character.ai', characterId: 'char-1', chatId: 'chat-9' },
    ],
    [
      'https://character.ai/chat/char-1',
      { api: 'neo', origin: 'https://character.ai', characterId: 'char-1' },
    ],
    [
      'https://beta.character.ai/chat2?char=char-2&hist=chat-8',
      { api: 'legacy', origin: 'https://beta.character.ai', characterId: 'char-2', chatId: 'chat-8' },
    ],
    [
      'https://old.character.ai/chat?char=char-3&hist=hist-7',
      { api: 'legacy', origin: 'https://old.character.ai', characterId: 'char-3', chatId: 'hist-7' },
    ],
    ['https://character.ai/search?q=pirates', { api: 'neo', origin: 'https://character.ai' }],
    ['https://character.ai/', { api: 'neo', origin: 'https://character.ai' }],
  ])('reads %s', (href, expected) => {
    expect(pageChatContext(href)).toEqual(expected);
  });
});
