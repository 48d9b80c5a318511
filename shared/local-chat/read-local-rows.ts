import type { IDBPDatabase } from 'idb';
import { parseStoredRow } from '../store/parse-stored-row.ts';
import type { PygboxDB } from '../store/store-schema.ts';
import { runTransaction } from '../store/store-transaction.ts';
import {
  CHAT_SETTINGS_KEY,
  type ChatSettings,
  chatSettingsSchema,
  DEFAULT_CHAT_SETTINGS,
} from './chat-settings.ts';
import { type PreferenceRecord, preferenceRecordSchema } from './preference-record.ts';

/**
 * Reads both the chat page's store and the main store make: the export (on the main store) takes
 * the preference records and the user's display name from here, so both read them the same way.
 */
export async function readPreferences(db: IDBPDatabase<PygboxDB>): Promise<PreferenceRecord[]> {
  return runTransaction(db, ['preferences'], 'readonly', 'reading preferences', async (tx) => {
    const store = tx.objectStore('preferences');
    const [rows, keys] = await Promise.all([store.getAll(), store.getAllKeys()]);
    return rows.map((row, index) =>
      parseStoredRow(preferenceRecordSchema, row, 'preferences', String(keys[index] ?? `#${index + 1}`)),
    );
  });
}

export async function readChatSettings(db: IDBPDatabase<PygboxDB>): Promise<ChatSettings> {
  const row = await db.get('settings', CHAT_SETTINGS_KEY);
  return row === undefined
    ? structuredClone(DEFAULT_CHAT_SETTINGS)
    : parseStoredRow(chatSettingsSchema, row, 'settings', CHAT_SETTINGS_KEY);
}
