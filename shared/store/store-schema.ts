import type { DBSchema, IDBPDatabase, StoreNames } from 'idb';
import { z } from 'zod';
import { captureRecordSchema } from '../capture/capture-record.ts';
import { sha256HexSchema } from '../zip/sha256-hex.ts';

/**
 * The IndexedDB layout. Values are typed `unknown` on purpose: whatever is read back may have been
 * written by an older version or damaged, so every read goes through a zod schema, never a cast.
 *
 * - captures: raw capture records (local only, never exported), deduplicated by `digest`.
 * - chats: canonical chats by `chatId`, merged on every ingest.
 * - characters: character info by site id, merged field by field.
 * - identities: account-level identities keyed by [kind, value].
 * - settings: the user's own identities and redaction words (key `settings`), the chat page's
 *   settings (key `chat-settings`, shared/local-chat/chat-settings.ts).
 *
 * Version 2 adds the browser chat's stores (shared/local-chat/), leaving every version 1 row as it was:
 * - localCharacters: characters made on the chat page, by `id`.
 * - localChats: chats with the user's own models, by `id`, indexed by `characterId`.
 * - preferences: preference records derived from the local chats' swipes and ratings, by `id`
 *   (`chatId/messageId`), indexed by `chatId` so saving a chat can replace its records.
 */
export const DEFAULT_STORE_NAME = 'pygbox';
export const STORE_VERSION = 2;
export const SETTINGS_KEY = 'settings';

export interface PygboxDB extends DBSchema {
  captures: { key: number; value: unknown; indexes: { digest: string } };
  chats: { key: string; value: unknown };
  characters: { key: string; value: unknown };
  identities: { key: [string, string]; value: unknown };
  settings: { key: string; value: unknown };
  localCharacters: { key: string; value: unknown };
  localChats: { key: string; value: unknown; indexes: { characterId: string } };
  preferences: { key: string; value: unknown; indexes: { chatId: string } };
}

export type PygboxStoreName = StoreNames<PygboxDB>;
export const ALL_STORE_NAMES: PygboxStoreName[] = [
  'captures',
  'chats',
  'characters',
  'identities',
  'settings',
  'localCharacters',
  'localChats',
  'preferences',
];

/** A stored capture: the record as validated plus the sha256 that deduplicates it. */
export const captureRowSchema = z.object({
  digest: sha256HexSchema,
  record: captureRecordSchema,
});
export type CaptureRow = z.infer<typeof captureRowSchema>;

/**
 * Brings a database from `oldVersion` to `STORE_VERSION`, one step per version, so a browser
 * that skipped releases still passes through every step.
 */
export function upgradeStore(db: IDBPDatabase<PygboxDB>, oldVersion: number): void {
  if (oldVersion < 1) {
    const captures = db.createObjectStore('captures', { autoIncrement: true });
    captures.createIndex('digest', 'digest', { unique: true });
    db.createObjectStore('chats', { keyPath: 'chatId' });
    db.createObjectStore('characters', { keyPath: 'id' });
    db.createObjectStore('identities', { keyPath: ['kind', 'value'] });
    db.createObjectStore('settings');
  }
  if (oldVersion < 2) {
    db.createObjectStore('localCharacters', { keyPath: 'id' });
    db.createObjectStore('localChats', { keyPath: 'id' }).createIndex('characterId', 'characterId');
    db.createObjectStore('preferences', { keyPath: 'id' }).createIndex('chatId', 'chatId');
  }
}
