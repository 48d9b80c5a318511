import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalChatStore, openLocalChatStore } from '../../../shared/local-chat/local-chat-store.ts';
import { openPygboxStore } from '../../../shared/store/pygbox-store.ts';
import { pygboxRejection } from '../../support/pygbox-rejection.ts';
import { charMessage, chatOf, GREETING, MODEL_A, reply, userMessage } from './local-chat-fixtures.ts';

const opened: { close(): void }[] = [];

async function freshStore(factory: IDBFactory = new IDBFactory()): Promise<LocalChatStore> {
  const store = await openLocalChatStore({ factory });
  opened.push(store);
  return store;
}

afterEach(() => {
  for (const store of opened.splice(0)) store.close();
});

const CHARACTER = {
  id: 'char-1',
  name: 'Chef Sprocket',
  persona: 'A robot who bakes.',
  source: 'hand-written',
} as const;
const RATED = chatOf([
  GREETING,
  userMessage('m1', 'What is for dinner?'),
  charMessage('m2', [reply('Bolt soup.', { rating: 'down' }), reply('Gear pie.')], 1),
  userMessage('m3', 'Yum'),
]);

describe('LocalChatStore', () => {
  it('stores characters with defaults, an id and times, and lists them by name', async () => {
    const store = await freshStore();
    const made = await store.putCharacter({ name: '  Zed  ', source: 'card' });
    expect(made).toMatchObject({ name: 'Zed', persona: '', alternateGreetings: [], source: 'card' });
    expect(made.id).toMatch(/^[0-9a-f-]{36}$/);
    await store.putCharacter(CHARACTER);
    expect((await store.listCharacters()).map((c) => c.name)).toEqual(['Chef Sprocket', 'Zed']);
    const again = await store.putCharacter({ ...CHARACTER, persona: 'Bakes bolts.' });
    const stored = await store.getCharacter('char-1');
    expect(stored?.persona).toBe('Bakes bolts.');
    expect(stored?.createdAt).toBe(again.createdAt);
    const refused = await pygboxRejection(store.putCharacter({ name: '', source: 'card' }));
    expect(refused.code).toBe('usage');
    expect(refused.place.field).toBe('name');
  });

  it('saves a chat and replaces its preference records in the same step', async () => {
    const store = await freshStore();
    await store.putCharacter(CHARACTER);
    const saved = await store.saveChat(RATED, { [MODEL_A]: 'tiny-a' });
    expect(saved).toEqual(RATED);
    expect(await store.getChat('chat-1')).toEqual(RATED);
    const [record, ...others] = await store.listPreferences();
    expect(others).toEqual([]);
    expect(record).toMatchObject({
      id: 'chat-1/m2',
      characterName: 'Chef Sprocket',
      chosen: { text: 'Gear pie.', via: 'kept' },
      rejected: [{ text: 'Bolt soup.', via: 'rated-down' }],
      modelNames: { [MODEL_A]: 'tiny-a' },
    });
    // Clearing the rating and deleting the later message leaves nothing to say: the record goes.
    const cleared = chatOf([
      GREETING,
      userMessage('m1', 'What is for dinner?'),
      charMessage('m2', [reply('Bolt soup.'), reply('Gear pie.')], 1),
    ]);
    await store.saveChat(cleared, {});
    expect(await store.listPreferences()).toEqual([]);
  });

  it("keeps a model's name when the chat is saved again after the model was deleted", async () => {
    const store = await freshStore();
    await store.putCharacter(CHARACTER);
    await store.saveChat(RATED, { [MODEL_A]: 'tiny-a' });
    // The page names only the models still installed.
    await store.saveChat({ ...RATED, title: 'Renamed' }, {});
    expect((await store.listPreferences())[0]?.modelNames).toEqual({ [MODEL_A]: 'tiny-a' });
    await store.saveChat(RATED, { [MODEL_A]: 'tiny-a v2' });
    expect((await store.listPreferences())[0]?.modelNames).toEqual({ [MODEL_A]: 'tiny-a v2' });
  });

  it('refuses a chat whose character is not stored, or that is malformed, and stores nothing', async () => {
    const store = await freshStore();
    const missing = await pygboxRejection(store.saveChat(RATED, {}));
    expect(missing.place.field).toBe('characterId');
    await store.putCharacter(CHARACTER);
    const bad = await pygboxRejection(
      store.saveChat({ ...RATED, messages: [{ ...GREETING, selected: 3 }] }, {}),
    );
    expect(bad.code).toBe('usage');
    expect(bad.place.field).toBe('messages[0].selected');
    expect(await store.listChats()).toEqual([]);
    expect(await store.listPreferences()).toEqual([]);
  });

  it('lists chats newest first, by character, and deletes a chat with its records', async () => {
    const store = await freshStore();
    await store.putCharacter(CHARACTER);
    await store.putCharacter({ ...CHARACTER, id: 'char-2', name: 'Keeper Odo' });
    await store.saveChat(RATED, {});
    await store.saveChat(chatOf([GREETING], { id: 'chat-2', updatedAt: '2024-06-01T00:00:00.000Z' }), {});
    await store.saveChat(chatOf([GREETING], { id: 'chat-3', characterId: 'char-2' }), {});
    expect((await store.listChats()).map((chat) => chat.id)).toEqual(['chat-2', 'chat-1', 'chat-3']);
    expect((await store.listChats('char-1')).map((chat) => chat.id)).toEqual(['chat-2', 'chat-1']);
    await store.deleteChat('chat-1');
    expect(await store.getChat('chat-1')).toBeUndefined();
    expect(await store.listPreferences()).toEqual([]);
  });

  it('refuses to delete a character its chats use, unless asked to delete them too', async () => {
    const store = await freshStore();
    await store.putCharacter(CHARACTER);
    await store.saveChat(RATED, {});
    const refused = await pygboxRejection(store.deleteCharacter('char-1'));
    expect(refused.code).toBe('usage');
    expect(await store.getCharacter('char-1')).toBeDefined();
    await store.deleteCharacter('char-1', { withChats: true });
    expect(await store.listCharacters()).toEqual([]);
    expect(await store.listChats()).toEqual([]);
    expect(await store.listPreferences()).toEqual([]);
  });

  it('keeps chat settings apart from the main settings, with defaults and validation', async () => {
    const factory = new IDBFactory();
    const store = await freshStore(factory);
    expect((await store.getChatSettings()).samplerPreset).toBe('balanced');
    const changed = await store.updateChatSettings((current) => ({
      ...current,
      userDisplayName: '  Sam  ',
      samplerOverrides: { temperature: 0.5 },
    }));
    // An override left out stays the preset's: no default fills it in.
    expect(changed.samplerOverrides).toEqual({ temperature: 0.5 });
    expect(changed.userDisplayName).toBe('Sam');
    const refused = await pygboxRejection(
      store.updateChatSettings((current) => ({ ...current, device: 'tpu' as 'wasm' })),
    );
    expect(refused.place.field).toBe('device');
    expect((await store.getChatSettings()).userDisplayName).toBe('Sam');
    const main = await openPygboxStore({ indexedDB: factory });
    opened.push(main);
    expect(await main.getSettings()).toEqual({
      userIdentities: [],
      redactions: [],
      excludedChats: [],
      excludedMessages: [],
    });
    expect((await main.getChatSettings()).userDisplayName).toBe('Sam');
  });

  it('names a damaged row and leaves every other row readable', async () => {
    const factory = new IDBFactory();
    const store = await freshStore(factory);
    await store.putCharacter(CHARACTER);
    await store.saveChat(RATED, {});
    await putRaw(factory, 'localChats', { id: 'chat-bad', characterId: 'char-1', messages: 'not a list' });
    const error = await pygboxRejection(store.listChats());
    expect(error.code).toBe('store-failed');
    expect(error.message).toContain('localChats row chat-bad is damaged');
    expect(await store.getChat('chat-1')).toEqual(RATED);
    expect(await store.listPreferences()).toHaveLength(1);
    await store.deleteChat('chat-bad');
    expect((await store.listChats()).map((chat) => chat.id)).toEqual(['chat-1']);
    // A damaged character is named too, and saving it again repairs it.
    await putRaw(factory, 'localCharacters', { id: 'char-1', name: 42 });
    expect((await pygboxRejection(store.listCharacters())).message).toContain('localCharacters row char-1');
    await store.putCharacter(CHARACTER);
    expect((await store.getCharacter('char-1'))?.name).toBe('Chef Sprocket');
  });

  it('upgrades a version-1 database to version 2 keeping every row', async () => {
    const factory = new IDBFactory();
    await createVersion1Database(factory);
    const main = await openPygboxStore({ indexedDB: factory });
    opened.push(main);
    expect((await main.listChats()).map((chat) => chat.chatId)).toEqual(['old-chat']);
    expect(await main.getSettings()).toMatchObject({ userIdentities: ['Sam'] });
    expect(await main.counts()).toMatchObject({ chats: 1, characters: 1, captures: 1, preferences: 0 });
    expect(await main.allIdentities()).toContainEqual({ kind: 'username', value: 'sam_the_sailor' });
    expect((await main.listCaptures()).map((capture) => capture.url)).toEqual([
      'https://neo.character.ai/chats/recent/x',
    ]);
    const local = await freshStore(factory);
    await local.putCharacter(CHARACTER);
    await local.saveChat(RATED, {});
    expect(await main.listPreferences()).toHaveLength(1);
    await main.deleteEverything();
    expect(await local.listCharacters()).toEqual([]);
    expect(await local.listChats()).toEqual([]);
    expect(await local.listPreferences()).toEqual([]);
    expect(await main.listChats()).toEqual([]);
  });
});

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function putRaw(factory: IDBFactory, storeName: string, value: unknown): Promise<void> {
  const db = await request(factory.open('pygbox'));
  const tx = db.transaction(storeName, 'readwrite');
  tx.objectStore(storeName).put(value);
  await new Promise((resolve) => {
    tx.oncomplete = resolve;
  });
  db.close();
}

/** The database as Pygbox 0.x (store version 1) left it, with one row in every store. */
async function createVersion1Database(factory: IDBFactory): Promise<void> {
  const open = factory.open('pygbox', 1);
  open.onupgradeneeded = () => {
    const db = open.result;
    db.createObjectStore('captures', { autoIncrement: true }).createIndex('digest', 'digest', {
      unique: true,
    });
    db.createObjectStore('chats', { keyPath: 'chatId' });
    db.createObjectStore('characters', { keyPath: 'id' });
    db.createObjectStore('identities', { keyPath: ['kind', 'value'] });
    db.createObjectStore('settings');
  };
  const db = await request(open);
  const tx = db.transaction(['captures', 'chats', 'characters', 'identities', 'settings'], 'readwrite');
  tx.objectStore('captures').put({
    digest: 'c'.repeat(64),
    record: {
      v: 1,
      url: 'https://neo.character.ai/chats/recent/x',
      method: 'GET',
      status: 200,
      capturedAt: '2024-01-01T00:00:00Z',
      body: '{}',
    },
  });
  tx.objectStore('chats').put({
    chatId: 'old-chat',
    source: 'neo',
    character: { id: 'old-char', name: 'Keeper Odo' },
    messages: [{ id: 't1', role: 'char', text: 'Storm ahead.', swipes: [] }],
    identities: [],
  });
  tx.objectStore('characters').put({ id: 'old-char', name: 'Keeper Odo' });
  tx.objectStore('identities').put({ kind: 'username', value: 'sam_the_sailor' });
  tx.objectStore('settings').put({ userIdentities: ['Sam'], redactions: [] }, 'settings');
  await new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
  });
  db.close();
}
