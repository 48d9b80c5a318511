import type { AnonChat } from '../chat/anon-chat.ts';
import { PygboxError } from '../errors/pygbox-error.ts';
import { formatIssuePath } from '../errors/zod-issue-path.ts';
import type { AnonPreference } from '../local-chat/anon-preference.ts';
import { inflateEntry } from './bounded-inflate.ts';
import { parseChatsJsonl } from './chats-jsonl.ts';
import { countExport, type ExportCounts } from './export-counts.ts';
import {
  EXPORT_FORMAT,
  EXPORT_FORMAT_VERSION,
  type ExportManifest,
  exportManifestSchema,
  manifestHeaderSchema,
  READABLE_EXPORT_FORMAT_VERSIONS,
} from './export-manifest.ts';
import { CHATS_PATH, DUMPER_DIR, MANIFEST_PATH, PREFERENCES_PATH, SILLYTAVERN_DIR } from './export-paths.ts';
import { parsePreferencesJsonl } from './preferences-jsonl.ts';
import { sha256Hex } from './sha256-hex.ts';
import { readCentralDirectory, type ZipEntry } from './zip-central-directory.ts';
import { portableZipCodec, type ZipInflateCodec } from './zip-codec.ts';
import { HINT_HOSTILE_ZIP, HINT_NOT_PYGBOX_ZIP, zipInvalid } from './zip-invalid-error.ts';
import { resolveZipLimits, type ZipLimits } from './zip-limits.ts';

export interface ExportZipContents {
  manifest: ExportManifest;
  chats: AnonChat[];
  /** The browser chat's preference records (format version 2); empty for a version-1 zip. */
  preferences: AnonPreference[];
}

const textDecoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads and checks a pygbox export zip. Everything is validated before it is trusted: the zip
 * structure and entry names, sizes against `limits` before anything is inflated, the manifest
 * (schema, format and version 1 or 2), that the entries are exactly the files the manifest lists,
 * each file's size and sha256, every chats.jsonl and preferences.jsonl line, and the manifest's
 * counts. preferences.jsonl is read under the same size limits as every other entry. Any failure rejects
 * with PygboxError 'zip-invalid' naming the entry.
 *
 * `codec` inflates and checks CRCs: the portable JavaScript one by default; a host with a native
 * one passes it (Node: trainer-node/io/node-zip-codec.ts), and every check above stays the same.
 */
export async function readExportZip(
  bytes: Uint8Array,
  limits?: Partial<ZipLimits>,
  codec: ZipInflateCodec = portableZipCodec,
): Promise<ExportZipContents> {
  const bounds = resolveZipLimits(limits);
  const entries = readCentralDirectory(bytes, bounds);
  checkDeclaredSizes(entries, bounds);

  const byName = new Map(entries.map((entry) => [entry.name, entry]));
  const manifestEntry = byName.get(MANIFEST_PATH);
  if (manifestEntry === undefined) {
    throw zipInvalid(MANIFEST_PATH, 'is missing', HINT_NOT_PYGBOX_ZIP);
  }
  const manifest = parseManifest(inflateEntry(bytes, manifestEntry, codec));

  const listed = new Map(manifest.files.map((file) => [file.path, file]));
  for (const entry of entries) {
    if (entry.name !== MANIFEST_PATH && !listed.has(entry.name)) {
      throw zipInvalid(entry.name, 'is not listed in the manifest', HINT_HOSTILE_ZIP);
    }
  }
  checkCompatFiles(manifest);

  let chats: AnonChat[] = [];
  let preferences: AnonPreference[] = [];
  for (const file of manifest.files) {
    const entry = byName.get(file.path);
    if (entry === undefined) {
      throw zipInvalid(file.path, 'is listed in the manifest but missing from the zip', HINT_NOT_PYGBOX_ZIP);
    }
    // Compare the declared size before inflating, and the real bytes after.
    if (entry.uncompressedSize !== file.bytes) {
      throw zipInvalid(
        file.path,
        `size ${entry.uncompressedSize} does not match the manifest's ${file.bytes}`,
        HINT_NOT_PYGBOX_ZIP,
      );
    }
    const content = inflateEntry(bytes, entry, codec);
    if ((await sha256Hex(content)) !== file.sha256) {
      throw zipInvalid(
        file.path,
        'sha256 does not match the manifest (altered or damaged)',
        HINT_NOT_PYGBOX_ZIP,
      );
    }
    if (file.path === CHATS_PATH) chats = parseChatsJsonl(decodeText(content, CHATS_PATH));
    if (file.path === PREFERENCES_PATH) {
      preferences = parsePreferencesJsonl(decodeText(content, PREFERENCES_PATH));
    }
  }

  checkCounts(manifest.counts, countExport(chats));
  if ((manifest.counts.preferences ?? 0) !== preferences.length) {
    throw zipInvalid(
      MANIFEST_PATH,
      `counts.preferences is ${manifest.counts.preferences ?? 0} but ${PREFERENCES_PATH} holds ${preferences.length}`,
      HINT_NOT_PYGBOX_ZIP,
      { field: 'counts.preferences' },
    );
  }
  return { manifest, chats, preferences };
}

function checkDeclaredSizes(entries: readonly ZipEntry[], limits: ZipLimits): void {
  let total = 0;
  for (const entry of entries) {
    if (entry.uncompressedSize > limits.maxEntryBytes) {
      throw zipInvalid(
        entry.name,
        `declares ${entry.uncompressedSize} bytes, more than the per-entry limit of ${limits.maxEntryBytes}`,
        HINT_HOSTILE_ZIP,
      );
    }
    const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
    if (entry.uncompressedSize > limits.ratioFloorBytes && ratio > limits.maxRatio) {
      throw zipInvalid(
        entry.name,
        `compression ratio ${Math.round(ratio)} is above the limit of ${limits.maxRatio} (a zip bomb?)`,
        HINT_HOSTILE_ZIP,
      );
    }
    total += entry.uncompressedSize;
    if (total > limits.maxTotalBytes) {
      throw zipInvalid(
        entry.name,
        `brings the total size to ${total} bytes, more than the limit of ${limits.maxTotalBytes}`,
        HINT_HOSTILE_ZIP,
      );
    }
  }
}

function parseManifest(content: Uint8Array): ExportManifest {
  let value: unknown;
  try {
    value = JSON.parse(decodeText(content, MANIFEST_PATH));
  } catch (error) {
    if (error instanceof PygboxError) throw error;
    throw zipInvalid(MANIFEST_PATH, 'is not JSON', HINT_NOT_PYGBOX_ZIP);
  }
  const header = manifestHeaderSchema.safeParse(value);
  if (!header.success || header.data.format !== EXPORT_FORMAT) {
    throw zipInvalid(
      MANIFEST_PATH,
      `is not a pygbox export manifest (format is not "${EXPORT_FORMAT}")`,
      HINT_NOT_PYGBOX_ZIP,
      { field: 'format' },
    );
  }
  const version = header.data.formatVersion;
  if (typeof version !== 'number' || !READABLE_EXPORT_FORMAT_VERSIONS.includes(version)) {
    const newer = typeof version === 'number' && version > EXPORT_FORMAT_VERSION;
    throw zipInvalid(
      MANIFEST_PATH,
      `has format version ${typeof version === 'number' ? version : 'missing'}; this Pygbox reads versions ${READABLE_EXPORT_FORMAT_VERSIONS.join(' and ')}`,
      newer ? 'The zip was written by a newer Pygbox; update Pygbox and try again.' : HINT_NOT_PYGBOX_ZIP,
      { field: 'formatVersion' },
    );
  }
  const parsed = exportManifestSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue === undefined ? '' : formatIssuePath(issue.path);
    throw zipInvalid(
      MANIFEST_PATH,
      `is invalid at ${field === '' ? 'its top level' : field}: ${issue?.message ?? 'unknown problem'}`,
      HINT_NOT_PYGBOX_ZIP,
      field === '' ? {} : { field },
    );
  }
  return parsed.data;
}

/** Compat files must belong to a listed format, and each listed format must have its files. */
function checkCompatFiles(manifest: ExportManifest): void {
  const dumper = manifest.files.filter((file) => file.path.startsWith(DUMPER_DIR));
  const sillyTavern = manifest.files.filter((file) => file.path.startsWith(SILLYTAVERN_DIR));
  const expected: [string, number, number, boolean][] = [
    [DUMPER_DIR, dumper.length, manifest.counts.characters, manifest.formats.includes('dumper')],
    [SILLYTAVERN_DIR, sillyTavern.length, manifest.counts.chats, manifest.formats.includes('sillytavern')],
  ];
  for (const [dir, found, wanted, requested] of expected) {
    if (!requested && found > 0) {
      throw zipInvalid(dir, 'holds files of a format the manifest does not list', HINT_HOSTILE_ZIP, {
        field: 'formats',
      });
    }
    if (requested && found !== wanted) {
      throw zipInvalid(
        dir,
        `holds ${found} files where the manifest's counts call for ${wanted}`,
        HINT_NOT_PYGBOX_ZIP,
        {
          field: 'files',
        },
      );
    }
  }
}

function checkCounts(declared: ExportCounts, actual: ExportCounts): void {
  for (const key of ['chats', 'messages', 'characters'] as const) {
    if (declared[key] !== actual[key]) {
      throw zipInvalid(
        MANIFEST_PATH,
        `counts.${key} is ${declared[key]} but ${CHATS_PATH} holds ${actual[key]}`,
        HINT_NOT_PYGBOX_ZIP,
        { field: `counts.${key}` },
      );
    }
  }
}

function decodeText(content: Uint8Array, entry: string): string {
  try {
    return textDecoder.decode(content);
  } catch {
    throw zipInvalid(entry, 'is not UTF-8 text', HINT_NOT_PYGBOX_ZIP);
  }
}
