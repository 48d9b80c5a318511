import { join } from 'node:path';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import { type Consent, consentSchema } from '../../shared/upload/upload-protocol.ts';
import { sha256HexSchema } from '../../shared/zip/sha256-hex.ts';
import { keepsIncoming, mergeConsent } from './keep-rule.ts';

/**
 * Bumped when the tables change; a newer catalogue is refused rather than misread, and so is an
 * older one: version 1 lacked `prefix_sha256`, which the keep rule needs for every held chat and
 * which only the chat's messages can give (no released data was ever stored in version 1).
 */
export const CATALOGUE_VERSION = 2;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS uploads (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  received_at TEXT NOT NULL,
  consent TEXT NOT NULL CHECK (consent IN ('private', 'public')),
  zip_sha256 TEXT NOT NULL,
  zip_bytes INTEGER NOT NULL,
  anonymizer_version TEXT NOT NULL,
  tool_version TEXT NOT NULL,
  chats INTEGER NOT NULL,
  new_chats INTEGER NOT NULL,
  duplicate_chats INTEGER NOT NULL,
  kept_chats INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS chats (
  key TEXT PRIMARY KEY,
  blob TEXT NOT NULL,
  byte_offset INTEGER NOT NULL,
  byte_length INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  messages INTEGER NOT NULL,
  prefix_sha256 TEXT NOT NULL,
  consent TEXT NOT NULL CHECK (consent IN ('private', 'public')),
  upload_seq INTEGER NOT NULL REFERENCES uploads(seq),
  first_upload_seq INTEGER NOT NULL REFERENCES uploads(seq),
  times_uploaded INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS chats_by_blob ON chats(blob);
CREATE INDEX IF NOT EXISTS chats_by_consent ON chats(consent, key);
CREATE TABLE IF NOT EXISTS preferences (
  key TEXT PRIMARY KEY,
  json TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  consent TEXT NOT NULL CHECK (consent IN ('private', 'public')),
  upload_seq INTEGER NOT NULL REFERENCES uploads(seq),
  times_uploaded INTEGER NOT NULL
) WITHOUT ROWID;
`;

export interface NewUpload {
  id: string;
  receivedAt: string;
  consent: Consent;
  zipSha256: string;
  zipBytes: number;
  anonymizerVersion: string;
  toolVersion: string;
}

/** Where a copy of a chat lies: a slice of a pack blob (the JSON of one chat). */
export interface CopyLocation {
  blob: string;
  offset: number;
  length: number;
}

export interface IncomingChat {
  key: string;
  /** The sha256 of the chat's JSON. */
  sha256: string;
  messages: number;
  /** The hash of all its messages (message-prefix.ts), stored to compare later copies against. */
  prefixSha256: string;
  /** The hashes of each of its message prefixes (message-prefix.ts), for the keep rule. */
  prefixChain: Uint8Array;
  /** Where this upload wrote the copy, already durable; absent when it was not written (not kept). */
  location: CopyLocation | undefined;
}

/**
 * A preference record of an upload (the browser chat's preferences.jsonl): small, so its JSON is
 * kept in the catalogue itself, not in a pack.
 */
export interface IncomingPreference {
  /** Its content key (shared/export/preference-key.ts), checked against its content by the verifier. */
  key: string;
  sha256: string;
  json: string;
}

/** What the catalogue holds of a chat, for deciding before writing whether a copy is worth it. */
export interface HeldCopy {
  sha256: string;
  messages: number;
  /** The hash of the held copy's messages (message-prefix.ts). */
  prefixSha256: string;
}

export interface RecordedUpload {
  newChats: number;
  duplicateChats: number;
  /** Chats whose copy from this upload is now the kept one. */
  keptChats: number;
  /** Packs that may no longer be named: those of replaced copies. */
  releasedBlobs: string[];
  /** Preference records the catalogue lacked, and those it held already. */
  newPreferences: number;
  duplicatePreferences: number;
}

// Rows read back are parsed like any other stored data: a hand-edited or damaged catalogue is an
// error that names it, not a wrong value passed along.
const countSchema = z.number().int().min(0);

const uploadRowSchema = z.object({
  id: z.string(),
  receivedAt: z.string(),
  consent: consentSchema,
  zipBytes: countSchema,
  anonymizerVersion: z.string(),
  toolVersion: z.string(),
  chats: countSchema,
  newChats: countSchema,
  duplicateChats: countSchema,
  keptChats: countSchema,
});
export type UploadRow = z.infer<typeof uploadRowSchema>;

const blobNameSchema = sha256HexSchema;
const chatKeySchema = z.string().regex(/^[0-9a-f]{32}$/);

const heldChatSchema = z.object({
  blob: blobNameSchema,
  sha256: blobNameSchema,
  messages: countSchema,
  prefixSha256: blobNameSchema,
  consent: consentSchema,
});
type HeldChat = z.infer<typeof heldChatSchema>;

const heldPreferenceSchema = z.object({ consent: consentSchema });
const preferenceCountsSchema = z.object({
  preferences: countSchema,
  publicPreferences: countSchema.nullable(),
});
const publicPreferenceSchema = z.object({ key: chatKeySchema, json: z.string(), sha256: blobNameSchema });
export type StoredPreference = z.infer<typeof publicPreferenceSchema>;

const heldCopySchema = z.object({
  sha256: blobNameSchema,
  messages: countSchema,
  prefixSha256: blobNameSchema,
});

const storedChatRowSchema = z.object({
  key: chatKeySchema,
  blob: blobNameSchema,
  offset: countSchema,
  length: countSchema,
  sha256: blobNameSchema,
});
export type StoredChatRow = z.infer<typeof storedChatRowSchema>;

const chatRowSchema = storedChatRowSchema.extend({ consent: consentSchema });

const summaryRowSchema = z.object({
  uploads: countSchema,
  chats: countSchema,
  publicChats: countSchema.nullable(),
  messages: countSchema.nullable(),
});

export interface CatalogueSummary {
  uploads: number;
  chats: number;
  publicChats: number;
  privateChats: number;
  messages: number;
  /** Preference records held, and of those, the ones every upload allowed to publish. */
  preferences: number;
  publicPreferences: number;
}

/**
 * The SQLite catalogue: one row per upload, one row per chat (where its kept copy lies, as a slice
 * of a pack blob, with the copy's sha256, message count and consent). Each upload is recorded in
 * one transaction, after its pack is on disk, so a crash leaves either the whole upload or none of
 * it, and never a row without its blob.
 */
export class Catalogue {
  private readonly db: Database.Database;

  private constructor(db: Database.Database) {
    this.db = db;
  }

  static open(dataDir: string, options: { readonly?: boolean } = {}): Catalogue {
    const path = join(dataDir, 'catalogue.sqlite');
    let db: Database.Database;
    try {
      db = new Database(path, {
        readonly: options.readonly === true,
        fileMustExist: options.readonly === true,
      });
    } catch (cause) {
      throw new PygboxError('input-unreadable', 'cannot open the catalogue', {
        place: { file: path },
        hint:
          options.readonly === true
            ? 'give the --data folder a `pygbox serve` has stored uploads in'
            : 'check that the data folder is writable',
        cause,
      });
    }
    db.pragma('busy_timeout = 5000');
    const version = Number(db.pragma('user_version', { simple: true }));
    // 0: a new, empty file. Anything else but this version is another layout.
    if (version !== 0 && version !== CATALOGUE_VERSION) {
      db.close();
      throw new PygboxError(
        'input-unreadable',
        `the catalogue is version ${version}; this Pygbox reads ${CATALOGUE_VERSION}`,
        {
          place: { file: path },
          hint:
            version > CATALOGUE_VERSION
              ? 'update Pygbox'
              : 'this catalogue predates the check that keeps edited copies of a chat out; start `pygbox serve` with a new --data folder and ask contributors to upload again',
        },
      );
    }
    if (options.readonly !== true) {
      // WAL: readers (an export) never block the server; FULL: a commit survives power loss too.
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      db.exec(SCHEMA);
      db.pragma(`user_version = ${CATALOGUE_VERSION}`);
    }
    return new Catalogue(db);
  }

  close(): void {
    this.db.close();
  }

  /**
   * Records an upload and its chats in one transaction. Each chat is new, or already held: then
   * the kept copy follows `keepsIncoming` and the consent `mergeConsent`. Synchronous, so no
   * other upload interleaves between reading a chat's row and writing it.
   *
   * Preference records are kept once per key: the held record stays (as a chat's held copy does
   * when an incoming one does not extend it, since anyone holding the prompt could make a record
   * with the same key), and the consent merges the same way (private wins).
   */
  recordUpload(
    upload: NewUpload,
    chats: readonly IncomingChat[],
    preferences: readonly IncomingPreference[] = [],
  ): RecordedUpload {
    const findChat = this.db.prepare<[string], unknown>(
      'SELECT blob, sha256, messages, prefix_sha256 AS prefixSha256, consent FROM chats WHERE key = ?',
    );
    const heldCopy = (key: string): HeldChat | undefined => {
      const row = findChat.get(key);
      return row === undefined ? undefined : this.parseRow(heldChatSchema, row);
    };
    const insertChat = this.db.prepare(
      `INSERT INTO chats (key, blob, byte_offset, byte_length, sha256, messages, prefix_sha256, consent,
         upload_seq, first_upload_seq, times_uploaded)
       VALUES (@key, @blob, @offset, @length, @sha256, @messages, @prefixSha256, @consent, @seq, @seq, 1)`,
    );
    const replaceCopy = this.db.prepare(
      `UPDATE chats SET blob = @blob, byte_offset = @offset, byte_length = @length, sha256 = @sha256,
         messages = @messages, prefix_sha256 = @prefixSha256, consent = @consent, upload_seq = @seq, times_uploaded = times_uploaded + 1
       WHERE key = @key`,
    );
    const keepCopy = this.db.prepare(
      'UPDATE chats SET consent = @consent, times_uploaded = times_uploaded + 1 WHERE key = @key',
    );
    const insertUpload = this.db.prepare(
      `INSERT INTO uploads (id, received_at, consent, zip_sha256, zip_bytes, anonymizer_version,
         tool_version, chats, new_chats, duplicate_chats, kept_chats)
       VALUES (@id, @receivedAt, @consent, @zipSha256, @zipBytes, @anonymizerVersion, @toolVersion,
         0, 0, 0, 0)`,
    );
    const finishUpload = this.db.prepare(
      `UPDATE uploads SET chats = @chats, new_chats = @newChats, duplicate_chats = @duplicateChats,
         kept_chats = @keptChats WHERE seq = @seq`,
    );

    const findPreference = this.db.prepare<[string], unknown>(
      'SELECT consent FROM preferences WHERE key = ?',
    );
    const insertPreference = this.db.prepare(
      `INSERT INTO preferences (key, json, sha256, consent, upload_seq, times_uploaded)
       VALUES (@key, @json, @sha256, @consent, @seq, 1)`,
    );
    const keepPreference = this.db.prepare(
      'UPDATE preferences SET consent = @consent, times_uploaded = times_uploaded + 1 WHERE key = @key',
    );

    const record = this.db.transaction((): RecordedUpload => {
      const seq = Number(insertUpload.run(upload).lastInsertRowid);
      const result: RecordedUpload = {
        newChats: 0,
        duplicateChats: 0,
        keptChats: 0,
        releasedBlobs: [],
        newPreferences: 0,
        duplicatePreferences: 0,
      };
      for (const preference of preferences) {
        const row = findPreference.get(preference.key);
        if (row === undefined) {
          insertPreference.run({ ...preference, consent: upload.consent, seq });
          result.newPreferences += 1;
        } else {
          const held = this.parseRow(heldPreferenceSchema, row);
          keepPreference.run({ key: preference.key, consent: mergeConsent(held.consent, upload.consent) });
          result.duplicatePreferences += 1;
        }
      }
      for (const chat of chats) {
        const held = heldCopy(chat.key);
        const row = {
          key: chat.key,
          sha256: chat.sha256,
          messages: chat.messages,
          prefixSha256: chat.prefixSha256,
          seq,
        };
        if (held === undefined) {
          if (chat.location === undefined) throw new Error('a new chat reached the catalogue unwritten');
          insertChat.run({ ...row, ...chat.location, consent: upload.consent });
          result.newChats += 1;
          result.keptChats += 1;
          continue;
        }
        result.duplicateChats += 1;
        const consent = mergeConsent(held.consent, upload.consent);
        // Written only when worth it at the time (`worthWriting`). A copy held since replaced that
        // one only by extending it, and the prefix relation is transitive: a copy that did not
        // extend the earlier held copy cannot extend the later one, so an unwritten copy is never
        // the one to keep.
        if (chat.location !== undefined && keepsIncoming(held, chat)) {
          replaceCopy.run({ ...row, ...chat.location, consent });
          result.keptChats += 1;
          if (held.blob !== chat.location.blob) result.releasedBlobs.push(held.blob);
        } else {
          keepCopy.run({ key: chat.key, consent });
        }
      }
      finishUpload.run({
        seq,
        chats: chats.length,
        newChats: result.newChats,
        duplicateChats: result.duplicateChats,
        keptChats: result.keptChats,
      });
      return result;
    });
    return record.immediate();
  }

  /** The copies held of these chats, read before an upload writes anything. */
  heldCopies(keys: readonly string[]): Map<string, HeldCopy> {
    const find = this.db.prepare<[string], unknown>(
      'SELECT sha256, messages, prefix_sha256 AS prefixSha256 FROM chats WHERE key = ?',
    );
    const held = new Map<string, HeldCopy>();
    for (const key of keys) {
      const row = find.get(key);
      if (row !== undefined) held.set(key, this.parseRow(heldCopySchema, row));
    }
    return held;
  }

  /** The kept copies that lie in one pack, in pack order. */
  copiesIn(blob: string): StoredChatRow[] {
    return this.db
      .prepare(
        `SELECT key, blob, byte_offset AS offset, byte_length AS length, sha256 FROM chats
         WHERE blob = ? ORDER BY byte_offset`,
      )
      .all(blob)
      .map((row) => this.parseRow(storedChatRowSchema, row));
  }

  /** Bytes of kept copies (each with its newline) per pack, to find packs holding replaced copies. */
  liveBytesPerPack(): Map<string, number> {
    const rows = this.db.prepare('SELECT blob, sum(byte_length + 1) AS bytes FROM chats GROUP BY blob').all();
    const live = new Map<string, number>();
    for (const row of rows) {
      const parsed = this.parseRow(z.object({ blob: blobNameSchema, bytes: countSchema }), row);
      live.set(parsed.blob, parsed.bytes);
    }
    return live;
  }

  /**
   * Points copies at their new place in a compacted pack, in one transaction; a copy that moved
   * meanwhile (replaced by an upload) is left as it is. Returns how many moved.
   */
  moveCopies(from: string, moves: readonly { key: string; fromOffset: number; to: CopyLocation }[]): number {
    const move = this.db.prepare(
      `UPDATE chats SET blob = @blob, byte_offset = @offset
       WHERE key = @key AND blob = @from AND byte_offset = @fromOffset`,
    );
    const run = this.db.transaction(() => {
      let moved = 0;
      for (const entry of moves) {
        moved += move.run({ key: entry.key, from, fromOffset: entry.fromOffset, ...entry.to }).changes;
      }
      return moved;
    });
    return run.immediate();
  }

  isBlobNamed(blob: string): boolean {
    return this.db.prepare('SELECT 1 FROM chats WHERE blob = ? LIMIT 1').get(blob) !== undefined;
  }

  /** Every blob the chats name, for the start-up check and the sweep of unnamed blobs. */
  namedBlobs(): Set<string> {
    const rows = this.db.prepare<[], unknown>('SELECT blob FROM chats').all();
    return new Set(rows.map((row) => this.parseRow(z.object({ blob: blobNameSchema }), row).blob));
  }

  /** Newest first. */
  listUploads(limit: number): UploadRow[] {
    const rows = this.db
      .prepare<[number], unknown>(
        `SELECT id, received_at AS receivedAt, consent, zip_bytes AS zipBytes,
           anonymizer_version AS anonymizerVersion, tool_version AS toolVersion, chats,
           new_chats AS newChats, duplicate_chats AS duplicateChats, kept_chats AS keptChats
         FROM uploads ORDER BY seq DESC LIMIT ?`,
      )
      .all(limit);
    return rows.map((row) => this.parseRow(uploadRowSchema, row));
  }

  summary(): CatalogueSummary {
    const row = this.parseRow(
      summaryRowSchema,
      this.db
        .prepare(
          `SELECT (SELECT count(*) FROM uploads) AS uploads, count(*) AS chats,
             sum(consent = 'public') AS publicChats, sum(messages) AS messages FROM chats`,
        )
        .get(),
    );
    const publicChats = row.publicChats ?? 0;
    const preferences = this.hasPreferences()
      ? this.parseRow(
          preferenceCountsSchema,
          this.db
            .prepare(
              `SELECT count(*) AS preferences, sum(consent = 'public') AS publicPreferences FROM preferences`,
            )
            .get(),
        )
      : { preferences: 0, publicPreferences: 0 };
    return {
      uploads: row.uploads,
      chats: row.chats,
      publicChats,
      privateChats: row.chats - publicChats,
      messages: row.messages ?? 0,
      preferences: preferences.preferences,
      publicPreferences: preferences.publicPreferences ?? 0,
    };
  }

  /** The published preference records, in key order so exports are repeatable. */
  publicPreferences(): StoredPreference[] {
    if (!this.hasPreferences()) return [];
    return this.db
      .prepare(`SELECT key, json, sha256 FROM preferences WHERE consent = 'public' ORDER BY key`)
      .all()
      .map((row) => this.parseRow(publicPreferenceSchema, row));
  }

  /** A catalogue last opened for writing by an older Pygbox, read-only now, has no preferences table. */
  private hasPreferences(): boolean {
    return (
      this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'preferences'").get() !==
      undefined
    );
  }

  /** The published subset, in key order so exports are repeatable. */
  publicChats(): StoredChatRow[] {
    return this.db
      .prepare(
        `SELECT key, blob, byte_offset AS offset, byte_length AS length, sha256 FROM chats
         WHERE consent = 'public' ORDER BY key`,
      )
      .all()
      .map((row) => this.parseRow(storedChatRowSchema, row));
  }

  /** The current row of one chat, or undefined (re-read when a blob vanished under an export). */
  chatRow(key: string): z.infer<typeof chatRowSchema> | undefined {
    const row = this.db
      .prepare(
        `SELECT key, blob, byte_offset AS offset, byte_length AS length, sha256, consent FROM chats
         WHERE key = ?`,
      )
      .get(key);
    return row === undefined ? undefined : this.parseRow(chatRowSchema, row);
  }

  /** The anonymizer versions of the uploads whose copies the public chats are. */
  publicAnonymizerVersions(): string[] {
    return this.db
      .prepare(
        `SELECT DISTINCT uploads.anonymizer_version AS version FROM chats
         JOIN uploads ON uploads.seq = chats.upload_seq WHERE chats.consent = 'public' ORDER BY version`,
      )
      .all()
      .map((row) => this.parseRow(z.object({ version: z.string() }), row).version);
  }

  private parseRow<T>(schema: z.ZodType<T>, row: unknown): T {
    const parsed = schema.safeParse(row);
    if (parsed.success) return parsed.data;
    throw new PygboxError('input-unreadable', 'the catalogue holds a row Pygbox did not write', {
      place: { file: this.db.name, field: parsed.error.issues[0]?.path.join('.') ?? '' },
      hint: 'the catalogue was changed by hand or damaged; restore the data folder from a backup',
    });
  }
}
