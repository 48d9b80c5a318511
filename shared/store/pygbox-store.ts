import type { IDBPDatabase } from 'idb';
import { adaptCaptures } from '../cai/adapt-captures.ts';
import type { AdaptedCaptures } from '../cai/adapted-captures.ts';
import { type CaptureRecord, captureRecordSchema } from '../capture/capture-record.ts';
import {
  type Character,
  type Chat,
  characterSchema,
  chatSchema,
  type Identity,
  identitySchema,
} from '../chat/chat.ts';
import { applyCharacterInfo } from '../chat/merge-chats.ts';
import { PygboxError } from '../errors/pygbox-error.ts';
import { formatIssuePath } from '../errors/zod-issue-path.ts';
import type { ChatSettings } from '../local-chat/chat-settings.ts';
import type { PreferenceRecord } from '../local-chat/preference-record.ts';
import { readChatSettings, readPreferences } from '../local-chat/read-local-rows.ts';
import { captureDigest } from './capture-digest.ts';
import { deleteChatData } from './delete-chat-data.ts';
import { type IngestSummary, ingestAdapted } from './ingest-adapted.ts';
import { openDatabase } from './open-database.ts';
import { parseStoredRow } from './parse-stored-row.ts';
import {
  ALL_STORE_NAMES,
  captureRowSchema,
  DEFAULT_STORE_NAME,
  type PygboxDB,
  SETTINGS_KEY,
} from './store-schema.ts';
import {
  DEFAULT_STORE_SETTINGS,
  type StoreSettings,
  type StoreSettingsInput,
  storeSettingsSchema,
} from './store-settings.ts';
import { runTransaction } from './store-transaction.ts';

export type { IngestSummary } from './ingest-adapted.ts';
export type { ExcludedMessage, StoreSettings, StoreSettingsInput } from './store-settings.ts';

export interface StoreCounts {
  characters: number;
  chats: number;
  /** Chosen messages over all stored chats (swipes not counted). */
  messages: number;
  captures: number;
  /** Preference records from the chat page's ratings and kept swipes (they are exported too). */
  preferences: number;
}

/** The local store: raw captures (never exported), merged chats, characters, identities, settings. */
export interface PygboxStore {
  /** Validates, adapts and stores a batch of capture records in one transaction. Idempotent. */
  addCaptures(records: readonly CaptureRecord[]): Promise<IngestSummary>;
  /** Stores data that did not come from captures (e.g. dumper files), merged like captures. */
  addAdapted(adapted: AdaptedCaptures): Promise<IngestSummary>;
  /** Every stored chat, with the stored character info applied. */
  listChats(): Promise<Chat[]>;
  getChat(chatId: string): Promise<Chat | undefined>;
  /**
   * Removes a chat and the raw captures holding its messages, in one transaction, so a re-parse
   * cannot bring it back. Its exclusions stay, for when it is captured again. True when it existed.
   */
  deleteChat(chatId: string): Promise<boolean>;
  /**
   * Removes everything: captures, chats, characters, identities, settings, and the browser chat's
   * local characters, local chats and preference records.
   */
  deleteEverything(): Promise<void>;
  counts(): Promise<StoreCounts>;
  /** Raw capture records in the order they were stored, for re-parsing with a newer adapter. */
  listCaptures(): Promise<CaptureRecord[]>;
  /** Account-level identities, every chat's identities and the user-supplied ones, each once. */
  allIdentities(): Promise<Identity[]>;
  getSettings(): Promise<StoreSettings>;
  /** Validates and stores the settings; returns them as stored (trimmed, deduplicated). */
  setSettings(settings: StoreSettingsInput): Promise<StoreSettings>;
  /**
   * Reads the settings, applies `change` and stores the result, in one transaction: changes made at
   * the same time (two ticks in quick succession, two open pages) each see the other's result
   * instead of overwriting it. `change` must be synchronous.
   */
  updateSettings(change: (current: StoreSettings) => StoreSettingsInput): Promise<StoreSettings>;
  /** The browser chat's preference records (shared/local-chat/), for the export. */
  listPreferences(): Promise<PreferenceRecord[]>;
  /** The chat page's settings: the export takes the user's display name from them. */
  getChatSettings(): Promise<ChatSettings>;
  close(): void;
}

export interface OpenPygboxStoreOptions {
  /** Database name; 'pygbox' by default. */
  name?: string;
  /** The IndexedDB factory; the global `indexedDB` by default. */
  indexedDB?: IDBFactory;
}

export async function openPygboxStore(options: OpenPygboxStoreOptions = {}): Promise<PygboxStore> {
  const factory = options.indexedDB ?? globalThis.indexedDB;
  if (factory === undefined) {
    throw new PygboxError('store-failed', 'IndexedDB is not available here', {
      hint: 'Use a browser with IndexedDB enabled (private windows of some browsers disable it).',
    });
  }
  const db = await openDatabase(factory, options.name ?? DEFAULT_STORE_NAME);
  return createStore(db);
}

function createStore(db: IDBPDatabase<PygboxDB>): PygboxStore {
  const ingest = (adapted: AdaptedCaptures, records: readonly CaptureRecord[], operation: string) => {
    // Hashing happens before the transaction: it must not wait on anything but its own requests.
    const rows = records.map((record) => ({ digest: captureDigest(record), record }));
    return runTransaction(
      db,
      ['captures', 'chats', 'characters', 'identities'],
      'readwrite',
      operation,
      (tx) => ingestAdapted(tx, adapted, rows),
    );
  };

  const readCharacters = async (): Promise<Character[]> => {
    const rows = await db.getAll('characters');
    return rows.map((row, index) => parseStoredRow(characterSchema, row, 'characters', `#${index + 1}`));
  };

  return {
    async addCaptures(records) {
      const valid = records.map(validateRecord);
      return ingest(adaptCaptures(valid), valid, 'saving captures');
    },

    async addAdapted(adapted) {
      return ingest(adapted, [], 'saving chats');
    },

    async listChats() {
      return runTransaction(db, ['chats', 'characters'], 'readonly', 'reading chats', async (tx) => {
        const [chatRows, chatKeys, characterRows] = await Promise.all([
          tx.objectStore('chats').getAll(),
          tx.objectStore('chats').getAllKeys(),
          tx.objectStore('characters').getAll(),
        ]);
        const characters = characterRows.map((row, index) =>
          parseStoredRow(characterSchema, row, 'characters', `#${index + 1}`),
        );
        return chatRows.map((row, index) =>
          applyCharacterInfo(
            parseStoredRow(chatSchema, row, 'chats', chatKeys[index] ?? `#${index + 1}`),
            characters,
          ),
        );
      });
    },

    async getChat(chatId) {
      const row = await db.get('chats', chatId);
      if (row === undefined) return undefined;
      return applyCharacterInfo(parseStoredRow(chatSchema, row, 'chats', chatId), await readCharacters());
    },

    async deleteChat(chatId) {
      const deleted = await runTransaction(db, ['chats', 'captures'], 'readwrite', 'deleting a chat', (tx) =>
        deleteChatData(tx, chatId),
      );
      return deleted.chat;
    },

    async deleteEverything() {
      await runTransaction(db, ALL_STORE_NAMES, 'readwrite', 'deleting all data', async (tx) => {
        await Promise.all(ALL_STORE_NAMES.map((name) => tx.objectStore(name).clear()));
      });
    },

    async counts() {
      const stores = ['captures', 'chats', 'characters', 'preferences'] as const;
      return runTransaction(db, [...stores], 'readonly', 'counting', async (tx) => {
        let messages = 0;
        let cursor = await tx.objectStore('chats').openCursor();
        while (cursor) {
          messages += parseStoredRow(chatSchema, cursor.value, 'chats', String(cursor.key)).messages.length;
          cursor = await cursor.continue();
        }
        return {
          characters: await tx.objectStore('characters').count(),
          chats: await tx.objectStore('chats').count(),
          messages,
          captures: await tx.objectStore('captures').count(),
          preferences: await tx.objectStore('preferences').count(),
        };
      });
    },

    async listCaptures() {
      return runTransaction(db, ['captures'], 'readonly', 'reading captures', async (tx) => {
        const store = tx.objectStore('captures');
        const [rows, keys] = await Promise.all([store.getAll(), store.getAllKeys()]);
        return rows.map(
          (row, index) =>
            parseStoredRow(captureRowSchema, row, 'captures', String(keys[index] ?? index)).record,
        );
      });
    },

    async allIdentities() {
      const [identityRows, chats, settings] = await Promise.all([
        db.getAll('identities'),
        this.listChats(),
        this.getSettings(),
      ]);
      // Identity values name the user: a damaged row is labelled by position, never by its key.
      const stored = identityRows.map((row, index) =>
        parseStoredRow(identitySchema, row, 'identities', `#${index + 1}`),
      );
      const supplied = settings.userIdentities.map((value): Identity => ({ kind: 'user-supplied', value }));
      return uniqueIdentities([...stored, ...chats.flatMap((chat) => chat.identities), ...supplied]);
    },

    async getSettings() {
      const row = await db.get('settings', SETTINGS_KEY);
      return row === undefined
        ? structuredClone(DEFAULT_STORE_SETTINGS)
        : parseStoredRow(storeSettingsSchema, row, 'settings', SETTINGS_KEY);
    },

    async setSettings(settings) {
      const parsed = parseSettingsInput(settings);
      await runTransaction(db, ['settings'], 'readwrite', 'saving settings', async (tx) => {
        await tx.objectStore('settings').put(parsed, SETTINGS_KEY);
      });
      return parsed;
    },

    async updateSettings(change) {
      return runTransaction(db, ['settings'], 'readwrite', 'saving settings', async (tx) => {
        const settings = tx.objectStore('settings');
        const row = await settings.get(SETTINGS_KEY);
        const current =
          row === undefined
            ? structuredClone(DEFAULT_STORE_SETTINGS)
            : parseStoredRow(storeSettingsSchema, row, 'settings', SETTINGS_KEY);
        const changed = parseSettingsInput(change(current));
        await settings.put(changed, SETTINGS_KEY);
        return changed;
      });
    },

    listPreferences() {
      return readPreferences(db);
    },

    getChatSettings() {
      return readChatSettings(db);
    },

    close() {
      db.close();
    },
  };
}

/** Settings as given by a caller: invalid ones are refused with the field, never stored. */
function parseSettingsInput(settings: StoreSettingsInput): StoreSettings {
  const parsed = storeSettingsSchema.safeParse(settings);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue === undefined ? '' : formatIssuePath(issue.path);
  throw new PygboxError(
    'usage',
    `settings are invalid at ${field || 'the top level'}: ${issue?.code ?? 'invalid'}`,
    {
      hint: 'Identities and redactions are lists of non-empty words or names, up to 500 characters each.',
      place: { field },
    },
  );
}

/** Records come from the page hook over a message channel: checked again, named by index. */
function validateRecord(record: unknown, index: number): CaptureRecord {
  const parsed = captureRecordSchema.safeParse(record);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = `records[${index}]${issue === undefined || issue.path.length === 0 ? '' : `.${formatIssuePath(issue.path)}`}`;
  throw new PygboxError(
    'capture-invalid',
    `capture record ${index} is not a valid capture (${issue?.code ?? 'invalid'})`,
    {
      hint: 'Nothing from this batch was saved; update Pygbox if the capture hook is older than the store.',
      place: { field },
    },
  );
}

function uniqueIdentities(identities: readonly Identity[]): Identity[] {
  const seen = new Set<string>();
  return identities.filter((identity) => {
    const key = JSON.stringify([identity.kind, identity.value]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
