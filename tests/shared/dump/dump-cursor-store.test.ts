import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { DUMP_CURSOR_DB, openDumpCursorStore } from '../../../shared/dump/dump-cursor-store.ts';

describe('openDumpCursorStore', () => {
  it('keeps jobs and chat cursors across reopening', async () => {
    const factory = new IDBFactory();
    const first = await openDumpCursorStore({ indexedDB: factory });
    await first.putJob({ key: 'everything', chats: [{ api: 'neo', chatId: 'c1' }], done: [] });
    await first.putChatCursor('neo:c1', { api: 'neo', nextToken: 'pg+50/c1==' });
    first.close();
    const second = await openDumpCursorStore({ indexedDB: factory });
    expect(await second.getJob('everything')).toEqual({
      key: 'everything',
      chats: [{ api: 'neo', chatId: 'c1' }],
      done: [],
    });
    expect(await second.getChatCursor('neo:c1')).toEqual({ api: 'neo', nextToken: 'pg+50/c1==' });
    await second.deleteChatCursor('neo:c1');
    expect(await second.getChatCursor('neo:c1')).toBeUndefined();
    second.close();
  });

  it('drops a row that does not read, so that dump starts over instead of failing', async () => {
    const factory = new IDBFactory();
    (await openDumpCursorStore({ indexedDB: factory })).close();
    // idb's openDB uses the global factory: write the damaged row through the same one.
    globalThis.indexedDB = factory;
    const raw = await openDB(DUMP_CURSOR_DB, 1);
    await raw.put('cursors', { api: 'neo', nextToken: 42 }, 'chat:neo:c1');
    raw.close();
    const store = await openDumpCursorStore({ indexedDB: factory });
    expect(await store.getChatCursor('neo:c1')).toBeUndefined();
    store.close();
    const again = await openDB(DUMP_CURSOR_DB, 1);
    expect(await again.get('cursors', 'chat:neo:c1')).toBeUndefined();
    again.close();
  });

  it('refuses to save a cursor that would not read back', async () => {
    const store = await openDumpCursorStore({ indexedDB: new IDBFactory() });
    await expect(store.putChatCursor('legacy:h', { api: 'legacy', pageNum: 0 })).rejects.toThrow();
    store.close();
  });
});
