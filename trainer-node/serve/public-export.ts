import { createHash } from 'node:crypto';
import { auditChats } from '../../shared/anonymize/audit.ts';
import { auditPreferences } from '../../shared/anonymize/audit-preferences.ts';
import { type AnonChat, anonChatSchema } from '../../shared/chat/anon-chat.ts';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import { type AnonPreference, anonPreferenceSchema } from '../../shared/local-chat/anon-preference.ts';
import { PYGBOX_VERSION } from '../../shared/version.ts';
import type { CompatFormat } from '../../shared/zip/export-manifest.ts';
import { writeExportZip } from '../../shared/zip/write-export-zip.ts';
import { nodeZipCodec } from '../io/node-zip-codec.ts';
import { BlobStore } from './blob-store.ts';
import type { Catalogue, StoredChatRow, StoredPreference } from './catalogue.ts';

export interface PublicExport {
  zip: Uint8Array;
  chats: number;
  messages: number;
  /** Chats left out because a contributor kept them private. */
  privateChats: number;
  /** Preference records published (those every upload of them allowed). */
  preferences: number;
}

/**
 * The published subset as one pygbox export zip, the same format the dataset builder reads from a
 * contributor. Only chats whose every upload said `public` are read at all; each is checked against
 * its blob's hash and the strict schema, and the whole set passes the audit again (the operator's
 * blocklist may have grown since the uploads), so the export fails closed like any other. Public
 * preference records go in too (preferences.jsonl, format version 2), checked the same way.
 */
export async function buildPublicExport(
  catalogue: Catalogue,
  blobs: BlobStore,
  options: { blocklist: readonly string[]; formats?: readonly CompatFormat[] },
): Promise<PublicExport> {
  const chats = await readPublicChats(catalogue, blobs);
  const identities = options.blocklist.map((value) => ({ kind: 'user-supplied' as const, value }));
  const audited = auditChats(chats, { identities });
  const preferences = auditPreferences(catalogue.publicPreferences().map(parseStoredPreference), {
    identities,
  });
  const versions = catalogue.publicAnonymizerVersions();
  const zip = await writeExportZip(audited, {
    // The chats were anonymized by their contributors' Pygbox, possibly of several versions.
    anonymizerVersion: versions.length === 0 ? 'none' : versions.join(','),
    toolVersion: PYGBOX_VERSION,
    formats: options.formats ?? [],
    codec: nodeZipCodec,
    preferences,
  });
  const summary = catalogue.summary();
  return {
    zip,
    chats: chats.length,
    messages: chats.reduce((sum, chat) => sum + chat.messages.length, 0),
    privateChats: summary.privateChats,
    preferences: preferences.preferences.length,
  };
}

/** A stored preference record, checked against its sha256, the strict schema and its key. */
function parseStoredPreference(row: StoredPreference): AnonPreference {
  let value: unknown;
  try {
    if (createHash('sha256').update(row.json).digest('hex') !== row.sha256) throw new Error('damaged');
    value = JSON.parse(row.json);
  } catch {
    value = undefined;
  }
  const parsed = anonPreferenceSchema.safeParse(value);
  if (!parsed.success || parsed.data.key !== row.key) {
    throw new PygboxError('input-unreadable', 'a stored preference record is damaged', {
      place: { file: 'catalogue.sqlite', field: `preferences ${row.key}` },
      hint: 'the data folder was changed by hand or damaged; restore it from a backup',
    });
  }
  return parsed.data;
}

/**
 * The public chats in key order. Rows are read pack by pack, so each pack is read once and only
 * one is in memory beside the chats. A running server may replace a chat's copy (and remove its
 * old pack) meanwhile: a chat whose pack is gone is looked up again, and left out if it turned
 * private.
 */
async function readPublicChats(catalogue: Catalogue, blobs: BlobStore): Promise<AnonChat[]> {
  const rows = catalogue.publicChats().sort((a, b) => a.blob.localeCompare(b.blob) || a.offset - b.offset);
  const chats: AnonChat[] = [];
  let pack: { name: string; bytes: Uint8Array | undefined } | undefined;
  for (const row of rows) {
    if (pack?.name !== row.blob) {
      pack = { name: row.blob, bytes: blobs.has(row.blob) ? await blobs.read(row.blob) : undefined };
    }
    if (pack.bytes !== undefined) {
      chats.push(parseCopy(blobs, row, pack.bytes));
      continue;
    }
    const moved = catalogue.chatRow(row.key);
    if (moved === undefined || moved.consent !== 'public') continue;
    chats.push(parseCopy(blobs, moved, await blobs.read(moved.blob)));
  }
  return chats.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** One chat's copy from its pack, checked against its sha256 and the strict schema. */
function parseCopy(blobs: BlobStore, row: StoredChatRow, pack: Uint8Array): AnonChat {
  const json = pack.subarray(row.offset, row.offset + row.length);
  let value: unknown;
  try {
    if (json.byteLength !== row.length || BlobStore.hash(json) !== row.sha256) throw new Error('damaged');
    value = JSON.parse(decoder.decode(json));
  } catch {
    value = undefined;
  }
  const parsed = anonChatSchema.safeParse(value);
  if (!parsed.success || parsed.data.key !== row.key) {
    throw new PygboxError('input-unreadable', 'a stored chat is damaged or not an anonymized chat', {
      place: { file: blobs.pathOf(row.blob), field: `bytes ${row.offset}+${row.length}` },
      hint: 'the data folder was changed by hand or damaged; restore it from a backup',
    });
  }
  return parsed.data;
}
