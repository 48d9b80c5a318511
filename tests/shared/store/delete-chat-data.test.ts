import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { adaptCaptures } from '../../../shared/cai/adapt-captures.ts';
import type { CaptureRecord } from '../../../shared/capture/capture-record.ts';
import { previewStoreExport } from '../../../shared/export/export-store.ts';
import { openPygboxStore, type PygboxStore } from '../../../shared/store/pygbox-store.ts';
import { CHAT_ID, characterInfo, chatList, NEW_TURNS, OLD_TURNS, turnsPage } from './capture-fixtures.ts';

const OTHER_CHAT_ID = 'chat-0002';

/** The same pages for a second chat: every occurrence of the chat id swapped. */
function ofOtherChat(record: CaptureRecord): CaptureRecord {
  return JSON.parse(JSON.stringify(record).replaceAll(CHAT_ID, OTHER_CHAT_ID));
}

/** A chat list whose entry carries preview turns, as `chats/?character_ids=` sends them. */
function chatListWithPreview(capturedAt: string): CaptureRecord {
  const page = turnsPage(NEW_TURNS, capturedAt);
  const body = page.body as { turns: unknown[] };
  return {
    url: 'https://neo.character.ai/chats/?character_ids=char-chef&num_preview_turns=2',
    method: 'GET',
    status: 200,
    body: { chats: [{ chat_id: CHAT_ID, character_id: 'char-chef', preview_turns: body.turns }] },
    capturedAt,
  };
}

const THIS_CHAT = [
  turnsPage(NEW_TURNS, '2024-03-05T10:05:01Z', undefined, 'page-2'),
  turnsPage(OLD_TURNS, '2024-03-05T10:05:02Z', 'page-2'),
];
const OTHER_CHAT = THIS_CHAT.map(ofOtherChat);
const SHARED = [chatList('2024-03-05T10:05:00Z'), characterInfo('2024-03-05T10:06:00Z')];

const opened: PygboxStore[] = [];
afterEach(() => {
  for (const store of opened.splice(0)) store.close();
});

async function storeWith(records: readonly CaptureRecord[]): Promise<PygboxStore> {
  const store = await openPygboxStore({ indexedDB: new IDBFactory() });
  opened.push(store);
  await store.addCaptures(records);
  return store;
}

function reparsedChatIds(records: readonly CaptureRecord[]): string[] {
  return adaptCaptures(records).chats.map((chat) => chat.chatId);
}

describe('deleting a chat', () => {
  it('removes the captures holding its messages, so a re-parse does not bring it back', async () => {
    const store = await storeWith([
      ...SHARED,
      ...THIS_CHAT,
      ...OTHER_CHAT,
      chatListWithPreview('2024-03-05T11:00:00Z'),
    ]);
    expect(reparsedChatIds(await store.listCaptures())).toEqual([CHAT_ID, OTHER_CHAT_ID]);

    expect(await store.deleteChat(CHAT_ID)).toBe(true);

    const left = await store.listCaptures();
    expect(left).toEqual([...SHARED, ...OTHER_CHAT]);
    expect(reparsedChatIds(left)).toEqual([OTHER_CHAT_ID]);
    expect((await store.listChats()).map((chat) => chat.chatId)).toEqual([OTHER_CHAT_ID]);
    expect(await store.counts()).toEqual({
      characters: 1,
      chats: 1,
      messages: 4,
      captures: 4,
      preferences: 0,
    });
  });

  it('keeps its exclusions, so a chat left out and deleted stays out when it is captured again', async () => {
    const store = await storeWith([...THIS_CHAT, ...OTHER_CHAT]);
    await store.setSettings({
      userIdentities: ['Mira'],
      redactions: [],
      excludedChats: [CHAT_ID, OTHER_CHAT_ID],
      excludedMessages: [
        { chatId: CHAT_ID, messageId: 't1' },
        { chatId: OTHER_CHAT_ID, messageId: 't2' },
      ],
    });
    const before = await store.getSettings();
    await store.deleteChat(CHAT_ID);
    expect(await store.getSettings()).toEqual(before);
    // Browsing the chat again brings it back, still left out of every export.
    await store.addCaptures(THIS_CHAT);
    const preview = await previewStoreExport(store);
    expect(preview.audited.chats).toEqual([]);
    expect(preview.excluded.chats).toBe(2);
  });

  it('leaves everything in place for an unknown chat id', async () => {
    const store = await storeWith([...SHARED, ...THIS_CHAT]);
    expect(await store.deleteChat('no-such-chat')).toBe(false);
    expect(await store.counts()).toMatchObject({ chats: 1, captures: 4 });
  });

  it('takes a re-captured chat as new data after deletion', async () => {
    const store = await storeWith(THIS_CHAT);
    await store.deleteChat(CHAT_ID);
    const summary = await store.addCaptures(THIS_CHAT);
    expect(summary).toMatchObject({ captures: 2, newMessages: 4 });
  });
});

describe('deleting everything', () => {
  it('empties every store, settings included', async () => {
    const store = await storeWith([...SHARED, ...THIS_CHAT, ...OTHER_CHAT]);
    await store.setSettings({ userIdentities: ['Mira'], redactions: ['Moonbase'] });
    await store.deleteEverything();
    expect(await store.counts()).toEqual({
      characters: 0,
      chats: 0,
      messages: 0,
      captures: 0,
      preferences: 0,
    });
    expect(await store.allIdentities()).toEqual([]);
    expect((await store.getSettings()).userIdentities).toEqual([]);
    // Still usable afterwards.
    expect((await store.addCaptures(THIS_CHAT)).chats).toBe(1);
  });
});
