import { describe, expect, it } from 'vitest';
import type { Chat } from '../../../shared/chat/chat.ts';
import { collectIdentities } from '../../../shared/export/collect-identities.ts';

const chat = (identities: Chat['identities']): Chat => ({
  chatId: 'c',
  source: 'neo',
  character: { name: 'Orrin' },
  messages: [],
  identities,
});

describe('collectIdentities', () => {
  it('unions every chat, the account and the user list, without duplicates or blanks', () => {
    const identities = collectIdentities(
      [
        chat([{ kind: 'author-name', value: 'Zoë' }]),
        chat([
          { kind: 'author-name', value: 'Zoë' },
          { kind: 'user-id', value: '42' },
        ]),
      ],
      [{ kind: 'username', value: 'zoe_q' }],
      ['Zoe Quill', '  ', 'Zoe Quill'],
    );
    expect(identities).toEqual([
      { kind: 'author-name', value: 'Zoë' },
      { kind: 'user-id', value: '42' },
      { kind: 'username', value: 'zoe_q' },
      { kind: 'user-supplied', value: 'Zoe Quill' },
    ]);
  });
});
