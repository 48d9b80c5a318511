import { type Zippable, zipSync } from 'fflate';
import type { AuditedChats } from '../anonymize/audited-chats.ts';
import { PygboxError } from '../errors/pygbox-error.ts';
import { groupChatsByCharacter } from './character-groups.ts';
import { serializeAnonChats } from './chats-jsonl.ts';
import { countExport } from './export-counts.ts';
import {
  COMPAT_FORMAT_ORDER,
  type CompatFormat,
  EXPORT_FORMAT,
  EXPORT_FORMAT_VERSION,
  type ExportManifest,
  type ManifestFile,
} from './export-manifest.ts';
import { CHATS_PATH, dumperCharacterPath, MANIFEST_PATH, sillyTavernChatPath } from './export-paths.ts';
import { encodeDumperExport } from './formats/dumper-format.ts';
import { encodeSillyTavernChat } from './formats/sillytavern-format.ts';
import { sha256Hex } from './sha256-hex.ts';

export interface WriteExportZipOptions {
  /** Compat formats to add next to chats.jsonl; none by default. */
  formats?: readonly CompatFormat[];
  anonymizerVersion: string;
  toolVersion: string;
  /** YYYY-MM-DD; today (UTC) by default. Only the day is ever recorded. */
  createdDay?: string;
}

/**
 * Every entry gets this modification time, so the same chats give a byte-identical zip (and the
 * zip does not record when the user exported). fflate encodes DOS times from local-time fields,
 * so the date is built from local fields too: noon of 1980-01-01 in every time zone.
 */
const FIXED_MTIME = new Date(1980, 0, 1, 12, 0, 0);

/**
 * Level 1: on 50 MB of chat JSONL, fflate wrote 21-24 MB/s at level 1 against 14-22 MB/s at
 * level 6, and the level-1 zip was only about 3% larger (22.8 against 22.2 MB).
 */
const COMPRESSION_LEVEL = 1;

/**
 * Writes the pygbox export zip: manifest.json, chats.jsonl and the requested compat formats, in a
 * fixed order. Takes only `AuditedChats`, so nothing reaches a zip without passing the audit.
 * Synchronous deflate under a promise: fflate's async mode needs workers, which extension service
 * workers do not have.
 */
export async function writeExportZip(
  audited: AuditedChats,
  options: WriteExportZipOptions,
): Promise<Uint8Array> {
  const chats = audited.chats;
  const createdDay = options.createdDay ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(createdDay)) {
    throw new PygboxError('usage', 'createdDay is not a day as YYYY-MM-DD', {
      place: { field: 'createdDay' },
      hint: 'Pass the day only, e.g. 2024-05-17.',
    });
  }
  const requested = new Set(options.formats ?? []);
  const formats = COMPAT_FORMAT_ORDER.filter((format) => requested.has(format));

  const encoder = new TextEncoder();
  const files: { path: string; bytes: Uint8Array }[] = [
    { path: CHATS_PATH, bytes: encoder.encode(serializeAnonChats(chats)) },
  ];
  if (formats.includes('dumper')) {
    groupChatsByCharacter(chats).forEach((group, index) => {
      files.push({ path: dumperCharacterPath(index + 1), bytes: encoder.encode(encodeDumperExport(group)) });
    });
  }
  if (formats.includes('sillytavern')) {
    chats.forEach((chat, index) => {
      files.push({
        path: sillyTavernChatPath(index + 1),
        bytes: encoder.encode(encodeSillyTavernChat(chat, createdDay)),
      });
    });
  }

  const manifest: ExportManifest = {
    format: EXPORT_FORMAT,
    formatVersion: EXPORT_FORMAT_VERSION,
    tool: { name: 'pygbox', version: options.toolVersion },
    anonymizerVersion: options.anonymizerVersion,
    createdDay,
    counts: countExport(chats),
    formats,
    files: files.map(
      (file): ManifestFile => ({
        path: file.path,
        bytes: file.bytes.length,
        sha256: sha256Hex(file.bytes),
      }),
    ),
  };

  // Insertion order is entry order: manifest first, then files as listed in the manifest.
  const entries: Zippable = {
    [MANIFEST_PATH]: [encoder.encode(`${JSON.stringify(manifest, null, 2)}\n`), { level: COMPRESSION_LEVEL }],
  };
  for (const file of files) entries[file.path] = [file.bytes, { level: COMPRESSION_LEVEL }];
  try {
    return zipSync(entries, { mtime: FIXED_MTIME });
  } catch (error) {
    throw new PygboxError('output-failed', 'the export zip could not be written', {
      hint: 'The export may be too large for memory; export fewer chats at a time.',
      cause: error,
    });
  }
}
