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
 * - settings: one row, the user's own identities and redaction words.
 */
export const DEFAULT_STORE_NAME = 'pygbox';
export const STORE_VERSION = 1;
export const SETTINGS_KEY = 'settings';

export interface PygboxDB extends DBSchema {
  captures: { key: number; value: unknown; indexes: { digest: string } };
  chats: { key: string; value: unknown };
  characters: { key: string; value: unknown };
  identities: { key: [string, string]; value: unknown };
  settings: { key: string; value: unknown };
}

export type PygboxStoreName = StoreNames<PygboxDB>;
export const ALL_STORE_NAMES: PygboxStoreName[] = [
  'captures',
  'chats',
  'characters',
  'identities',
  'settings',
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
}
