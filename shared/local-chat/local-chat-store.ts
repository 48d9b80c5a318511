import type { IDBPDatabase } from 'idb';
import type { z } from 'zod';
import { PygboxError } from '../errors/pygbox-error.ts';
import { formatIssuePath } from '../errors/zod-issue-path.ts';
import { openDatabase } from '../store/open-database.ts';
import { parseStoredRow } from '../store/parse-stored-row.ts';
import { DEFAULT_STORE_NAME, type PygboxDB } from '../store/store-schema.ts';
import { runTransaction, type StoreTransaction } from '../store/store-transaction.ts';
import {
  CHAT_SETTINGS_KEY,
  type ChatSettings,
  type ChatSettingsInput,
  chatSettingsSchema,
  DEFAULT_CHAT_SETTINGS,
} from './chat-settings.ts';
import { type LocalCharacter, type LocalCharacterInput, localCharacterSchema } from './local-character.ts';
import { type LocalChat, type LocalChatInput, localChatSchema } from './local-chat.ts';
import { newLocalId } from './new-local-id.ts';
import { type PreferenceRecord, preferenceFromMessage, preferenceRecordSchema } from './preference-record.ts';
import { readChatSettings, readPreferences } from './read-local-rows.ts';

export { newLocalId } from './new-local-id.ts';

/**
 * The browser chat's data on the pygbox IndexedDB (store version 2): characters, chats and the
 * preference records derived from them, plus the chat page's settings. Every row read is parsed
 * with zod: a damaged row is an error naming its store and key (ids are random, never user text),
 * and nothing else is touched.
 */
export interface LocalChatStore {
  listCharacters(): Promise<LocalCharacter[]>;
  getCharacter(id: string): Promise<LocalCharacter | undefined>;
  /** Validates and stores; a new character gets an id and times. Returns it as stored. */
  putCharacter(character: LocalCharacterInput): Promise<LocalCharacter>;
  /** Refuses (PygboxError 'usage') while chats use the character, unless `withChats` removes them too. */
  deleteCharacter(id: string, options?: { withChats?: boolean }): Promise<void>;
  /** Newest `updatedAt` first. */
  listChats(characterId?: string): Promise<LocalChat[]>;
  getChat(id: string): Promise<LocalChat | undefined>;
  /**
   * Validates and stores the chat, and in the same transaction replaces its preference records with
   * preferenceFromMessage over every char message (modelNames given by the caller; a model it does
   * not name keeps the name the chat's records held, so deleting a model does not erase it).
   */
  saveChat(chat: LocalChatInput, modelNames: Record<string, string>): Promise<LocalChat>;
  /** Removes the chat and its preference records. */
  deleteChat(id: string): Promise<void>;
  listPreferences(): Promise<PreferenceRecord[]>;
  getChatSettings(): Promise<ChatSettings>;
  /** Reads, applies `change` (synchronous) and stores, in one transaction. */
  updateChatSettings(change: (current: ChatSettings) => ChatSettingsInput): Promise<ChatSettings>;
  close(): void;
}

export interface OpenLocalChatStoreOptions {
  /** The IndexedDB factory; the global `indexedDB` by default. */
  factory?: IDBFactory;
  /** Database name; 'pygbox' by default (the same database as the captured chats). */
  name?: string;
}

export async function openLocalChatStore(options: OpenLocalChatStoreOptions = {}): Promise<LocalChatStore> {
  const factory = options.factory ?? globalThis.indexedDB;
  if (factory === undefined) {
    throw new PygboxError('store-failed', 'IndexedDB is not available here', {
      hint: 'Use a browser with IndexedDB enabled (private windows of some browsers disable it).',
    });
  }
  return createLocalChatStore(await openDatabase(factory, options.name ?? DEFAULT_STORE_NAME));
}

function createLocalChatStore(db: IDBPDatabase<PygboxDB>): LocalChatStore {
  const parseCharacter = (row: unknown, key: string) =>
    parseStoredRow(localCharacterSchema, row, 'localCharacters', key);
  const parseChat = (row: unknown, key: string) => parseStoredRow(localChatSchema, row, 'localChats', key);

  return {
    async listCharacters() {
      return runTransaction(db, ['localCharacters'], 'readonly', 'reading characters', async (tx) => {
        const store = tx.objectStore('localCharacters');
        const [rows, keys] = await Promise.all([store.getAll(), store.getAllKeys()]);
        return rows
          .map((row, index) => parseCharacter(row, String(keys[index] ?? `#${index + 1}`)))
          .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
      });
    },

    async getCharacter(id) {
      const row = await db.get('localCharacters', id);
      return row === undefined ? undefined : parseCharacter(row, id);
    },

    async putCharacter(input) {
      const now = new Date().toISOString();
      return runTransaction(db, ['localCharacters'], 'readwrite', 'saving a character', async (tx) => {
        const store = tx.objectStore('localCharacters');
        const id = input.id ?? newLocalId();
        // A stored row keeps its creation time; a damaged one is simply replaced (that repairs it).
        const existing = localCharacterSchema.safeParse(await store.get(id));
        const createdAt = input.createdAt ?? (existing.success ? existing.data.createdAt : now);
        const character = parseInput(
          localCharacterSchema,
          { ...input, id, createdAt, updatedAt: now },
          'character',
        );
        await store.put(character);
        return character;
      });
    },

    async deleteCharacter(id, options = {}) {
      await runTransaction(
        db,
        ['localCharacters', 'localChats', 'preferences'],
        'readwrite',
        'deleting a character',
        async (tx) => {
          const chatIds = await tx.objectStore('localChats').index('characterId').getAllKeys(id);
          if (chatIds.length > 0 && options.withChats !== true) {
            throw new PygboxError('usage', `the character is used by ${chatIds.length} chat(s)`, {
              hint: 'Delete its chats first, or delete the character together with its chats.',
              place: { file: 'IndexedDB localCharacters', field: id },
            });
          }
          for (const chatId of chatIds) await deleteChatRows(tx, chatId);
          await tx.objectStore('localCharacters').delete(id);
        },
      );
    },

    async listChats(characterId) {
      return runTransaction(db, ['localChats'], 'readonly', 'reading chats', async (tx) => {
        const store = tx.objectStore('localChats');
        const source = characterId === undefined ? store : store.index('characterId');
        const [rows, keys] = await Promise.all([source.getAll(characterId), source.getAllKeys(characterId)]);
        return rows
          .map((row, index) => parseChat(row, String(keys[index] ?? `#${index + 1}`)))
          .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || a.id.localeCompare(b.id));
      });
    },

    async getChat(id) {
      const row = await db.get('localChats', id);
      return row === undefined ? undefined : parseChat(row, id);
    },

    async saveChat(input, modelNames) {
      const chat = parseInput(localChatSchema, input, 'chat');
      const now = new Date().toISOString();
      return runTransaction(
        db,
        ['localCharacters', 'localChats', 'preferences'],
        'readwrite',
        'saving a chat',
        async (tx) => {
          const characterRow = await tx.objectStore('localCharacters').get(chat.characterId);
          if (characterRow === undefined) {
            throw new PygboxError('usage', "the chat's character is not stored", {
              hint: 'Save the character before its chats (or pick another character for this chat).',
              place: { field: 'characterId' },
            });
          }
          const character = parseCharacter(characterRow, chat.characterId);
          await tx.objectStore('localChats').put(chat);
          // A model deleted since it wrote a reply is no longer among the caller's names; the
          // records being replaced still know it, so the name is not lost on the next save.
          const names = { ...(await heldModelNames(tx, chat.id)), ...modelNames };
          await deletePreferenceRows(tx, chat.id);
          const preferences = tx.objectStore('preferences');
          for (let index = 0; index < chat.messages.length; index += 1) {
            const record = preferenceFromMessage(chat, index, character.name, names, now);
            if (record !== undefined) await preferences.put(record);
          }
          return chat;
        },
      );
    },

    async deleteChat(id) {
      await runTransaction(db, ['localChats', 'preferences'], 'readwrite', 'deleting a chat', (tx) =>
        deleteChatRows(tx, id),
      );
    },

    listPreferences() {
      return readPreferences(db);
    },

    getChatSettings() {
      return readChatSettings(db);
    },

    async updateChatSettings(change) {
      return runTransaction(db, ['settings'], 'readwrite', 'saving chat settings', async (tx) => {
        const settings = tx.objectStore('settings');
        const row = await settings.get(CHAT_SETTINGS_KEY);
        const current =
          row === undefined
            ? structuredClone(DEFAULT_CHAT_SETTINGS)
            : parseStoredRow(chatSettingsSchema, row, 'settings', CHAT_SETTINGS_KEY);
        const changed = parseInput(chatSettingsSchema, change(current), 'chat settings');
        await settings.put(changed, CHAT_SETTINGS_KEY);
        return changed;
      });
    },

    close() {
      db.close();
    },
  };
}

async function deleteChatRows(tx: StoreTransaction<'readwrite'>, chatId: string): Promise<void> {
  await tx.objectStore('localChats').delete(chatId);
  await deletePreferenceRows(tx, chatId);
}

/** The model names the chat's stored preference records carry; a damaged record gives none. */
async function heldModelNames(
  tx: StoreTransaction<'readwrite'>,
  chatId: string,
): Promise<Record<string, string>> {
  const names: Record<string, string> = {};
  for (const row of await tx.objectStore('preferences').index('chatId').getAll(chatId)) {
    const held = preferenceRecordSchema.safeParse(row);
    if (held.success) Object.assign(names, held.data.modelNames);
  }
  return names;
}

async function deletePreferenceRows(tx: StoreTransaction<'readwrite'>, chatId: string): Promise<void> {
  const preferences = tx.objectStore('preferences');
  const keys = await preferences.index('chatId').getAllKeys(chatId);
  for (const key of keys) await preferences.delete(key);
}

/** A value from the page: refused with the field that is wrong, never stored half-valid. */
function parseInput<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue === undefined ? '' : formatIssuePath(issue.path);
  throw new PygboxError(
    'usage',
    `the ${what} is invalid at ${field || 'the top level'}: ${issue?.code ?? 'invalid'}`,
    {
      hint: 'Nothing was saved; correct the field and try again.',
      place: { field },
    },
  );
}
