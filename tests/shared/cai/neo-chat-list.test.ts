import { describe, expect, it } from 'vitest';
import { neoChatListAdapter, neoSingleChatAdapter } from '../../../shared/cai/neo-chat-list.ts';
import type { CaptureRecord } from '../../../shared/capture/capture-record.ts';
import { captureRecord } from '../../fixtures/cai/capture-records.ts';
import { FIXTURE_USER_ID, NEO, neoChatEntry, neoTurn } from '../../fixtures/cai/neo-builders.ts';

function adapt(adapter: typeof neoChatListAdapter, record: CaptureRecord) {
  const outcome = adapter.adapt(record, new URL(record.url));
  if (!outcome.ok) throw new Error(`expected the body to adapt: ${outcome.message}`);
  return outcome.yield;
}

describe('neoChatListAdapter', () => {
  it.each([
    `${NEO}/chats/recent/`,
    `${NEO}/chats/recent/char-11`,
    `${NEO}/chats/?character_ids=char-11&num_preview_turns=2`,
  ])('links chats to characters and names the creator (%s)', (url) => {
    const body = {
      chats: [neoChatEntry('chat-1', 'char-11', 'Tessaly'), neoChatEntry('chat-2', 'char-12', 'Bram')],
    };
    const result = adapt(neoChatListAdapter, captureRecord(url, body));
    expect(result.chatLinks).toEqual([
      {
        chatId: 'chat-1',
        characterId: 'char-11',
        characterName: 'Tessaly',
        createdAt: '2025-01-10T11:59:00.000000Z',
      },
      {
        chatId: 'chat-2',
        characterId: 'char-12',
        characterName: 'Bram',
        createdAt: '2025-01-10T11:59:00.000000Z',
      },
    ]);
    expect(result.identities).toEqual([
      { kind: 'user-id', value: FIXTURE_USER_ID },
      { kind: 'user-id', value: FIXTURE_USER_ID },
    ]);
    expect(result.neoPages).toEqual([]);
  });

  it('turns preview turns into a preview page of their chat', () => {
    const preview = [
      neoTurn({ id: 't9', chatId: 'chat-1' }),
      neoTurn({ id: 't8', chatId: 'chat-1', human: true }),
    ];
    const body = {
      chats: [neoChatEntry('chat-1', 'char-11', 'Tessaly', { preview_turns: preview, name: 'A chat' })],
    };
    const pages = adapt(
      neoChatListAdapter,
      captureRecord(`${NEO}/chats/?character_ids=char-11`, body),
    ).neoPages;
    expect(pages).toHaveLength(1);
    expect(pages?.[0]).toMatchObject({ chatId: 'chat-1', preview: true, requestToken: undefined });
    expect(pages?.[0]?.turns.map((turn) => turn.turn_key.turn_id)).toEqual(['t9', 't8']);
  });

  it('accepts an entry with only a chat id', () => {
    const result = adapt(
      neoChatListAdapter,
      captureRecord(`${NEO}/chats/recent/`, { chats: [{ chat_id: 'chat-3' }] }),
    );
    expect(result.chatLinks).toEqual([
      { chatId: 'chat-3', characterId: undefined, characterName: undefined, createdAt: undefined },
    ]);
    expect(result.identities).toEqual([]);
  });
});

describe('neoSingleChatAdapter', () => {
  it('reads {chat} like one entry of a list', () => {
    const record = captureRecord(`${NEO}/chat/chat-5/`, { chat: neoChatEntry('chat-5', 'char-13', 'Wynn') });
    expect(adapt(neoSingleChatAdapter, record).chatLinks?.[0]).toMatchObject({
      chatId: 'chat-5',
      characterId: 'char-13',
    });
  });

  it('reports a body without chat as unknown-shape', () => {
    const record = captureRecord(`${NEO}/chat/chat-5/`, { chats: [] });
    expect(neoSingleChatAdapter.adapt(record, new URL(record.url))).toMatchObject({
      ok: false,
      kind: 'unknown-shape',
    });
  });
});
