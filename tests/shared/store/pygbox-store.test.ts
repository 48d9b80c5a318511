import 'fake-indexeddb/auto';
import { IDBFactory, IDBObjectStore } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Chat } from '../../../shared/chat/chat.ts';
import { openPygboxStore, type PygboxStore } from '../../../shared/store/pygbox-store.ts';
import { DEFAULT_STORE_SETTINGS } from '../../../shared/store/store-settings.ts';
import { pygboxRejection } from '../../support/pygbox-rejection.ts';
import {
  CHARACTER_ID,
  CHAT_ID,
  characterInfo,
  chatList,
  LATER_TURN,
  NEW_TURNS,
  OLD_TURNS,
  turnsPage,
  USER_ID,
  USER_NAME,
} from './capture-fixtures.ts';

const NO_EXCLUSIONS = { excludedChats: [], excludedMessages: [] };

const opened: PygboxStore[] = [];

async function freshStore(factory: IDBFactory = new IDBFactory()): Promise<PygboxStore> {
  const store = await openPygboxStore({ indexedDB: factory });
  opened.push(store);
  return store;
}

afterEach(() => {
  vi.restoreAllMocks();
  for (const store of opened.splice(0)) store.close();
});

const FIRST_BATCH = [
  chatList('2024-03-05T10:05:00Z'),
  turnsPage(NEW_TURNS, '2024-03-05T10:05:01Z', undefined, 'page-2'),
  turnsPage(OLD_TURNS, '2024-03-05T10:05:02Z', 'page-2'),
];

function texts(chat: Chat | undefined): string[] {
  return chat?.messages.map((message) => message.text) ?? [];
}

describe('PygboxStore ingest', () => {
  it('stores captures, chats and counts', async () => {
    const store = await freshStore();
    const summary = await store.addCaptures(FIRST_BATCH);
    expect(summary).toEqual({ captures: 3, chats: 1, newMessages: 4, problems: [] });
    expect(await store.counts()).toEqual({
      characters: 0,
      chats: 1,
      messages: 4,
      captures: 3,
      preferences: 0,
    });
    const chat = await store.getChat(CHAT_ID);
    expect(texts(chat)).toEqual([
      'Welcome to my kitchen!',
      'Hello, I am Mira.',
      'Bolt soup tonight.',
      'Sounds crunchy.',
    ]);
    expect(chat?.messages.map((message) => message.role)).toEqual(['char', 'user', 'char', 'user']);
    expect(chat?.messages[2]?.swipes).toEqual(['Gear pie.']);
    expect(chat?.character).toMatchObject({ id: CHARACTER_ID, name: 'Chef Sprocket' });
  });

  it('is idempotent: re-adding the same records changes nothing', async () => {
    const store = await freshStore();
    await store.addCaptures(FIRST_BATCH);
    const countsBefore = await store.counts();
    const chatsBefore = await store.listChats();
    const again = await store.addCaptures(FIRST_BATCH);
    expect(again).toEqual({ captures: 0, chats: 1, newMessages: 0, problems: [] });
    expect(await store.counts()).toEqual(countsBefore);
    expect(await store.listChats()).toEqual(chatsBefore);
    expect(await store.listCaptures()).toEqual(FIRST_BATCH);
  });

  it('stores an answer fetched again later once: only a changed body is a new capture', async () => {
    const store = await freshStore();
    await store.addCaptures(FIRST_BATCH);
    const refetched = FIRST_BATCH.map((record) => ({ ...record, capturedAt: '2025-01-01T00:00:00Z' }));
    expect((await store.addCaptures(refetched)).captures).toBe(0);
    const changed = turnsPage([...OLD_TURNS, ...NEW_TURNS, LATER_TURN], '2025-01-01T00:00:00Z');
    expect((await store.addCaptures([changed])).captures).toBe(1);
    expect((await store.counts()).captures).toBe(FIRST_BATCH.length + 1);
  });

  it('stores a record repeated inside one batch once', async () => {
    const store = await freshStore();
    const record = chatList('2024-03-05T10:05:00Z');
    expect((await store.addCaptures([record, record])).captures).toBe(1);
    expect((await store.counts()).captures).toBe(1);
  });

  it('merges a re-captured chat with a new page: messages are the union', async () => {
    const store = await freshStore();
    await store.addCaptures([chatList('2024-03-05T10:05:00Z'), turnsPage(OLD_TURNS, '2024-03-05T10:05:01Z')]);
    const summary = await store.addCaptures([turnsPage([...NEW_TURNS, LATER_TURN], '2024-03-06T09:01:00Z')]);
    expect(summary).toMatchObject({ captures: 1, chats: 1, newMessages: 3 });
    expect(texts(await store.getChat(CHAT_ID))).toEqual([
      'Welcome to my kitchen!',
      'Hello, I am Mira.',
      'Bolt soup tonight.',
      'Sounds crunchy.',
      'It is!',
    ]);
    expect((await store.counts()).messages).toBe(5);
  });

  it('applies character info that arrives after the turns', async () => {
    const store = await freshStore();
    await store.addCaptures(FIRST_BATCH);
    expect((await store.getChat(CHAT_ID))?.character.description).toBeUndefined();
    await store.addCaptures([characterInfo('2024-03-07T12:00:00Z')]);
    const expected = {
      id: CHARACTER_ID,
      name: 'Chef Sprocket',
      title: 'A robot who bakes',
      description: 'Runs a kitchen on the moon.',
      definition: '{{char}}: Bolts are seasoning.',
    };
    expect((await store.getChat(CHAT_ID))?.character).toMatchObject(expected);
    expect((await store.listChats())[0]?.character).toMatchObject(expected);
    expect((await store.counts()).characters).toBe(1);
  });

  it('keeps stored character fields that a later record lacks', async () => {
    const store = await freshStore();
    await store.addCaptures([characterInfo('2024-03-07T12:00:00Z')]);
    await store.addAdapted({
      chats: [],
      characters: [{ id: CHARACTER_ID, name: 'Chef Sprocket', title: 'Moon chef' }],
      identities: [],
      problems: [],
      recordsUsed: 0,
    });
    await store.addCaptures(FIRST_BATCH);
    expect((await store.getChat(CHAT_ID))?.character).toMatchObject({
      title: 'Moon chef',
      description: 'Runs a kitchen on the moon.',
    });
  });

  it('reports records no adapter reads as problems and keeps them', async () => {
    const store = await freshStore();
    const unknown = { ...chatList('2024-03-05T10:05:00Z'), url: 'https://neo.character.ai/unknown/endpoint' };
    const summary = await store.addCaptures([unknown]);
    expect(summary.problems).toEqual([expect.objectContaining({ recordIndex: 0, kind: 'unknown-endpoint' })]);
    expect(await store.listCaptures()).toEqual([unknown]);
  });

  it('rejects an invalid record by index and field, and stores nothing of the batch', async () => {
    const store = await freshStore();
    const broken = { ...chatList('2024-03-05T10:05:00Z'), url: 'not a url' };
    const error = await pygboxRejection(store.addCaptures([FIRST_BATCH[0], broken] as never));
    expect(error.code).toBe('capture-invalid');
    expect(error.place.field).toBe('records[1].url');
    expect(await store.counts()).toEqual({
      characters: 0,
      chats: 0,
      messages: 0,
      captures: 0,
      preferences: 0,
    });
  });

  it('adds chats that did not come from captures', async () => {
    const store = await freshStore();
    const chat: Chat = {
      chatId: 'dumper-1',
      source: 'dumper',
      character: { name: 'Keeper Odo' },
      messages: [
        { id: 'm1', role: 'user', text: 'Is the lamp on?', swipes: [], sequence: 0 },
        { id: 'm2', role: 'char', text: 'Always.', swipes: [], sequence: 1 },
      ],
      identities: [{ kind: 'username', value: 'lamp_fan_77' }],
    };
    const adapted = { chats: [chat], characters: [], identities: [], problems: [], recordsUsed: 0 };
    expect(await store.addAdapted(adapted)).toEqual({ captures: 0, chats: 1, newMessages: 2, problems: [] });
    expect(await store.getChat('dumper-1')).toEqual(chat);
    expect(await store.addAdapted(adapted)).toMatchObject({ newMessages: 0 });
  });
});

describe('PygboxStore failures', () => {
  it.each([
    ['put', 1, 'QuotaExceededError', 'store-quota'],
    ['put', 2, 'QuotaExceededError', 'store-quota'],
    ['add', 2, 'QuotaExceededError', 'store-quota'],
    ['put', 2, 'UnknownError', 'store-failed'],
  ] as const)(
    'a failing %s call #%i (%s) gives %s and leaves earlier data intact',
    async (method, failOn, name, code) => {
      const store = await freshStore();
      await store.addCaptures(FIRST_BATCH);
      const countsBefore = await store.counts();
      const chatsBefore = await store.listChats();
      const capturesBefore = await store.listCaptures();

      const real = IDBObjectStore.prototype[method];
      let calls = 0;
      vi.spyOn(IDBObjectStore.prototype, method).mockImplementation(function (this: IDBObjectStore, ...args) {
        calls += 1;
        if (calls === failOn) throw new DOMException('injected failure', name);
        return real.apply(this, args);
      });
      const later = [characterInfo('2024-03-07T12:00:00Z'), turnsPage([LATER_TURN], '2024-03-06T09:01:00Z')];
      const error = await pygboxRejection(store.addCaptures(later));
      expect(error.code).toBe(code);
      expect(error.hint).toMatch(/intact/);
      expect(calls).toBeGreaterThanOrEqual(failOn);

      vi.restoreAllMocks();
      expect(await store.counts()).toEqual(countsBefore);
      expect(await store.listChats()).toEqual(chatsBefore);
      expect(await store.listCaptures()).toEqual(capturesBefore);
      // The store still works: the same batch goes in once the failure is gone.
      expect(await store.addCaptures(later)).toMatchObject({ captures: 2, newMessages: 1 });
    },
  );

  it('reports a damaged stored chat by its key instead of dropping it', async () => {
    const factory = new IDBFactory();
    const store = await freshStore(factory);
    await store.addCaptures(FIRST_BATCH);
    store.close();
    await writeRawRow(factory, 'chats', { chatId: 'chat-broken', source: 'fax', messages: [] });
    const reopened = await freshStore(factory);
    const error = await pygboxRejection(reopened.listChats());
    expect(error.code).toBe('store-failed');
    expect(error.message).toMatch(/stored chats row chat-broken is damaged at source/);
    await expect(reopened.counts()).rejects.toThrow(/chat-broken/);
    await expect(reopened.getChat(CHAT_ID)).resolves.toBeDefined();
  });
});

describe('PygboxStore settings and identities', () => {
  it('starts with empty settings and stores them trimmed and deduplicated', async () => {
    const store = await freshStore();
    expect(await store.getSettings()).toEqual(DEFAULT_STORE_SETTINGS);
    const saved = await store.setSettings({
      userIdentities: [' Mira ', 'Mira', 'M. Testwood'],
      redactions: ['Moonbase 9'],
    });
    expect(saved).toEqual({
      ...NO_EXCLUSIONS,
      userIdentities: ['Mira', 'M. Testwood'],
      redactions: ['Moonbase 9'],
    });
    expect(await store.getSettings()).toEqual(saved);
  });

  it('keeps excluded chats and messages once each, and reads settings stored before they existed', async () => {
    const factory = new IDBFactory();
    const store = await freshStore(factory);
    const saved = await store.setSettings({
      userIdentities: [],
      redactions: [],
      excludedChats: ['c1', 'c1'],
      excludedMessages: [
        { chatId: 'c1', messageId: 'm1' },
        { chatId: 'c1', messageId: 'm1' },
      ],
    });
    expect(saved.excludedChats).toEqual(['c1']);
    expect(saved.excludedMessages).toEqual([{ chatId: 'c1', messageId: 'm1' }]);
    store.close();
    await writeRawRowAt(factory, 'settings', { userIdentities: ['Mira'], redactions: [] }, 'settings');
    const reopened = await freshStore(factory);
    expect(await reopened.getSettings()).toEqual({
      ...NO_EXCLUSIONS,
      userIdentities: ['Mira'],
      redactions: [],
    });
  });

  it.each([
    ['a blank identity', { userIdentities: ['  '], redactions: [] }, 'userIdentities[0]'],
    ['an over-long redaction', { userIdentities: [], redactions: ['x'.repeat(501)] }, 'redactions[0]'],
    ['a number', { userIdentities: [42], redactions: [] }, 'userIdentities[0]'],
    ['a missing list', { userIdentities: [] }, 'redactions'],
  ])('rejects settings with %s and keeps the stored ones', async (_label, settings, field) => {
    const store = await freshStore();
    await store.setSettings({ userIdentities: ['Mira'], redactions: [] });
    const error = await pygboxRejection(store.setSettings(settings as never));
    expect(error.place.field).toBe(field);
    expect(await store.getSettings()).toEqual({ ...NO_EXCLUSIONS, userIdentities: ['Mira'], redactions: [] });
  });

  it('updates settings in one transaction: changes made at the same time all land', async () => {
    const store = await freshStore();
    await store.setSettings({ userIdentities: ['Mira'], redactions: [] });
    const chats = Array.from({ length: 6 }, (_, index) => `c${index}`);
    await Promise.all(
      chats.map((chatId) =>
        store.updateSettings((current) => ({
          ...current,
          excludedChats: [...current.excludedChats, chatId],
        })),
      ),
    );
    const settings = await store.getSettings();
    expect([...settings.excludedChats].sort()).toEqual(chats);
    expect(settings.userIdentities).toEqual(['Mira']);
  });

  it('refuses an update that makes the settings invalid, and keeps the stored ones', async () => {
    const store = await freshStore();
    await store.setSettings({ userIdentities: ['Mira'], redactions: [] });
    const error = await pygboxRejection(
      store.updateSettings((current) => ({ ...current, redactions: ['  '], userIdentities: [] })),
    );
    expect(error.place.field).toBe('redactions[0]');
    expect(await store.getSettings()).toEqual({ ...NO_EXCLUSIONS, userIdentities: ['Mira'], redactions: [] });
  });

  it('gathers account, chat and user-supplied identities once each', async () => {
    const store = await freshStore();
    await store.addCaptures(FIRST_BATCH);
    await store.setSettings({ userIdentities: ['Mira', USER_NAME], redactions: [] });
    await store.addAdapted({
      chats: [],
      characters: [],
      identities: [
        { kind: 'username', value: 'mira_t' },
        { kind: 'username', value: 'mira_t' },
      ],
      problems: [],
      recordsUsed: 0,
    });
    const identities = await store.allIdentities();
    expect(identities).toEqual(
      expect.arrayContaining([
        { kind: 'username', value: 'mira_t' },
        { kind: 'user-id', value: USER_ID },
        { kind: 'user-supplied', value: 'Mira' },
        { kind: 'user-supplied', value: USER_NAME },
      ]),
    );
    expect(
      identities.some((identity) => identity.kind !== 'user-supplied' && identity.value === USER_NAME),
    ).toBe(true);
    const keys = identities.map((identity) => `${identity.kind}:${identity.value}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('PygboxStore lifecycle', () => {
  it('deletes a chat with the captures of its turns; the chat list that only links it stays', async () => {
    const store = await freshStore();
    await store.addCaptures(FIRST_BATCH);
    expect(await store.deleteChat(CHAT_ID)).toBe(true);
    expect(await store.getChat(CHAT_ID)).toBeUndefined();
    expect(await store.counts()).toMatchObject({ chats: 0, messages: 0, captures: 1 });
    expect(await store.deleteChat(CHAT_ID)).toBe(false);
  });

  it('finds the data again after closing and reopening', async () => {
    const factory = new IDBFactory();
    const store = await freshStore(factory);
    await store.addCaptures([...FIRST_BATCH, characterInfo('2024-03-07T12:00:00Z')]);
    await store.setSettings({ userIdentities: ['Mira'], redactions: ['Moonbase 9'] });
    const chats = await store.listChats();
    store.close();
    const reopened = await freshStore(factory);
    expect(await reopened.listChats()).toEqual(chats);
    expect(await reopened.counts()).toEqual({
      characters: 1,
      chats: 1,
      messages: 4,
      captures: 4,
      preferences: 0,
    });
    expect(await reopened.getSettings()).toEqual({
      ...NO_EXCLUSIONS,
      userIdentities: ['Mira'],
      redactions: ['Moonbase 9'],
    });
  });

  it('keeps databases with different names apart', async () => {
    const factory = new IDBFactory();
    const main = await freshStore(factory);
    await main.addCaptures(FIRST_BATCH);
    const other = await openPygboxStore({ indexedDB: factory, name: 'pygbox-other' });
    opened.push(other);
    expect((await other.counts()).chats).toBe(0);
  });
});

/** Writes a row past the store's validation, as a damaged or older database would hold. */
async function writeRawRow(factory: IDBFactory, storeName: string, value: unknown): Promise<void> {
  await writeRawRowAt(factory, storeName, value);
}

async function writeRawRowAt(
  factory: IDBFactory,
  storeName: string,
  value: unknown,
  key?: string,
): Promise<void> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = factory.open('pygbox');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction(storeName, 'readwrite');
    if (key === undefined) tx.objectStore(storeName).put(value);
    else tx.objectStore(storeName).put(value, key);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
  db.close();
}
