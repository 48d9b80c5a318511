import type { AuditedChats } from '../anonymize/audited-chats.ts';
import type { AuditedPreferences } from '../anonymize/audited-preferences.ts';
import { PygboxError } from '../errors/pygbox-error.ts';
import { groupChatsByCharacter } from './character-groups.ts';
import { serializeAnonChats } from './chats-jsonl.ts';
import { countExport } from './export-counts.ts';
import {
  COMPAT_FORMAT_ORDER,
  type CompatFormat,
  EXPORT_FORMAT,
  EXPORT_FORMAT_VERSION,
  EXPORT_FORMAT_VERSION_WITHOUT_PREFERENCES,
  type ExportManifest,
  type ManifestFile,
} from './export-manifest.ts';
import {
  CHATS_PATH,
  dumperCharacterPath,
  MANIFEST_PATH,
  PREFERENCES_PATH,
  sillyTavernChatPath,
} from './export-paths.ts';
import { encodeDumperExport } from './formats/dumper-format.ts';
import { encodeSillyTavernChat } from './formats/sillytavern-format.ts';
import { serializeAnonPreferences } from './preferences-jsonl.ts';
import { sha256Hex } from './sha256-hex.ts';
import { writeZipArchive } from './write-zip-archive.ts';
import { portableZipCodec, type ZipCodec } from './zip-codec.ts';

export interface WriteExportZipOptions {
  /** Compat formats to add next to chats.jsonl; none by default. */
  formats?: readonly CompatFormat[];
  anonymizerVersion: string;
  toolVersion: string;
  /** YYYY-MM-DD; today (UTC) by default. Only the day is ever recorded. */
  createdDay?: string;
  /** The host's deflate and CRC; the portable JavaScript ones by default. */
  codec?: ZipCodec;
  /**
   * The browser chat's audited preference records: written as preferences.jsonl (format version 2)
   * when there is at least one; none gives a version-1 zip, as before.
   */
  preferences?: AuditedPreferences;
}

/**
 * Writes the pygbox export zip: manifest.json, chats.jsonl, preferences.jsonl when there are
 * preference records, and the requested compat formats, in a fixed order. Takes only `AuditedChats`
 * and `AuditedPreferences`, so nothing reaches a zip without passing the audit.
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
  const preferences = options.preferences?.preferences ?? [];
  if (preferences.length > 0) {
    files.push({ path: PREFERENCES_PATH, bytes: encoder.encode(serializeAnonPreferences(preferences)) });
  }
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
    formatVersion: preferences.length > 0 ? EXPORT_FORMAT_VERSION : EXPORT_FORMAT_VERSION_WITHOUT_PREFERENCES,
    tool: { name: 'pygbox', version: options.toolVersion },
    anonymizerVersion: options.anonymizerVersion,
    createdDay,
    counts: {
      ...countExport(chats),
      ...(preferences.length > 0 ? { preferences: preferences.length } : {}),
    },
    formats,
    files: await Promise.all(
      files.map(
        async (file): Promise<ManifestFile> => ({
          path: file.path,
          bytes: file.bytes.length,
          sha256: await sha256Hex(file.bytes),
        }),
      ),
    ),
  };

  // Manifest first, then the files in the order the manifest lists them.
  const manifestBytes = encoder.encode(`${JSON.stringify(manifest, null, 2)}\n`);
  return writeZipArchive(
    [{ path: MANIFEST_PATH, bytes: manifestBytes }, ...files],
    options.codec ?? portableZipCodec,
  );
}
