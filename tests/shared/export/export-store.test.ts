import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import type { Chat } from '../../../shared/chat/chat.ts';
import {
  applyExclusions,
  previewStoreExport,
  writeStoreExportZip,
} from '../../../shared/export/export-store.ts';
import { openPygboxStore, type PygboxStore } from '../../../shared/store/pygbox-store.ts';
import { readExportZip } from '../../../shared/zip/read-export-zip.ts';
import { CHAT_ID, chatList, NEW_TURNS, OLD_TURNS, turnsPage, USER_NAME } from '../store/capture-fixtures.ts';

async function storeWithChat(): Promise<PygboxStore> {
  const store = await openPygboxStore({ indexedDB: new IDBFactory() });
  await store.addCaptures([
    chatList('2024-03-05T11:00:00Z'),
    turnsPage([...OLD_TURNS, ...NEW_TURNS], '2024-03-05T11:00:00Z'),
  ]);
  return store;
}

describe('exporting from the store', () => {
  it('previews the anonymized text and lists, for the user only, the identities replaced', async () => {
    const store = await storeWithChat();
    const preview = await previewStoreExport(store);
    expect(preview.audited.chats).toHaveLength(1);
    const text = JSON.stringify(preview.audited.chats);
    expect(text).not.toContain('Mira');
    expect(text).toContain('{{user}}');
    expect(preview.identities.map((identity) => identity.value)).toContain(USER_NAME);
    expect(preview.excluded).toEqual({ chats: 0, messages: 0 });
  });

  it('applies the redaction words and the user-supplied names from the settings', async () => {
    const store = await storeWithChat();
    await store.setSettings({ userIdentities: ['Kitchen'], redactions: ['soup'] });
    const text = JSON.stringify((await previewStoreExport(store)).audited.chats);
    expect(text).not.toMatch(/kitchen|soup/i);
    expect(text).toContain('[REDACTED]');
  });

  it('leaves out excluded messages and chats, and writes a zip the reader accepts', async () => {
    const store = await storeWithChat();
    const firstMessage = (await store.getChat(CHAT_ID))?.messages[0]?.id ?? '';
    await store.setSettings({
      userIdentities: [],
      redactions: [],
      excludedMessages: [{ chatId: CHAT_ID, messageId: firstMessage }],
    });
    const preview = await previewStoreExport(store);
    expect(preview.excluded).toEqual({ chats: 0, messages: 1 });
    expect(JSON.stringify(preview.audited.chats)).not.toContain('Welcome to my kitchen');

    const zip = await writeStoreExportZip(preview, { day: '2024-03-06', formats: ['sillytavern'] });
    expect(zip.fileName).toBe('pygbox-export-2024-03-06.zip');
    const read = await readExportZip(zip.bytes);
    expect(read.chats).toHaveLength(1);

    await store.setSettings({ userIdentities: [], redactions: [], excludedChats: [CHAT_ID] });
    const none = await previewStoreExport(store);
    expect(none.audited.chats).toHaveLength(0);
    expect(none.excluded.chats).toBe(1);
  });

  it("redacts a creator's handle known only from an excluded chat, as the preview shows it", async () => {
    const store = await openPygboxStore({ indexedDB: new IDBFactory() });
    const chat = (chatId: string, creatorName: string | undefined, text: string): Chat => ({
      chatId,
      source: 'dumper',
      character: { name: `Bot ${chatId}`, ...(creatorName === undefined ? {} : { creatorName }) },
      messages: [{ id: `${chatId}-m1`, role: 'char', text, swipes: [] }],
      identities: [],
    });
    await store.addAdapted({
      chats: [chat('left-out', 'zeldafan99', 'Hi.'), chat('kept', undefined, 'Made by zeldafan99, thanks!')],
      characters: [],
      identities: [],
      problems: [],
      recordsUsed: 0,
    });
    await store.updateSettings((settings) => ({ ...settings, excludedChats: ['left-out'] }));
    const preview = await previewStoreExport(store);
    expect(preview.audited.chats).toHaveLength(1);
    const text = JSON.stringify(preview.audited.chats);
    expect(text).not.toContain('zeldafan99');
    expect(text).toContain('[REDACTED]');
  });

  it('drops a chat whose every message is excluded', () => {
    const chat = {
      chatId: 'c',
      messages: [{ id: 'm1' }, { id: 'm2' }],
    } as unknown as Parameters<typeof applyExclusions>[0][number];
    const result = applyExclusions([chat], {
      excludedChats: [],
      excludedMessages: [
        { chatId: 'c', messageId: 'm1' },
        { chatId: 'c', messageId: 'm2' },
      ],
    });
    expect(result.kept).toEqual([]);
    expect(result.excluded).toEqual({ chats: 1, messages: 2 });
  });
});
