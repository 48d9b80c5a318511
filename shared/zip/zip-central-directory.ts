import { entryPathProblem } from './zip-entry-path.ts';
import {
  CENTRAL_HEADER_SIZE,
  CENTRAL_SIGNATURE,
  END_RECORD_SIZE,
  END_SIGNATURE,
  LOCAL_HEADER_SIZE,
  LOCAL_SIGNATURE,
} from './zip-format.ts';
import { HINT_HOSTILE_ZIP, HINT_NOT_PYGBOX_ZIP, zipInvalid } from './zip-invalid-error.ts';
import type { ZipLimits } from './zip-limits.ts';

/**
 * Reads a zip's central directory by hand instead of trusting an unzip library's view, because
 * the checks need what libraries hide: duplicate names (an object keyed by name drops one),
 * declared sizes before any byte is inflated, local headers that disagree with the directory,
 * and entries whose data overlap (the "overlapping files" zip bomb). Only what Pygbox writes is
 * accepted: no ZIP64, no encryption, stored or deflated entries, one disk.
 */

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflate. */
  method: 0 | 8;
  crc32: number;
  compressedSize: number;
  /** As declared by the central directory; the inflater holds the entry to it. */
  uncompressedSize: number;
  /** Offset of the entry's local header in the archive. */
  localOffset: number;
  /** Offset of the entry's (compressed) data in the archive. */
  dataOffset: number;
}

const MAX_COMMENT = 0xffff;

/** What the archive as a whole is called in errors. */
export const ARCHIVE_NAME = '(zip archive)';

const nameDecoder = new TextDecoder('utf-8', { fatal: true });

export function readCentralDirectory(bytes: Uint8Array, limits: ZipLimits): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = findEndOfCentralDirectory(view);
  const disk = view.getUint16(eocd + 4, true);
  const cdDisk = view.getUint16(eocd + 6, true);
  const entriesOnDisk = view.getUint16(eocd + 8, true);
  const entryCount = view.getUint16(eocd + 10, true);
  const cdSize = view.getUint32(eocd + 12, true);
  const cdOffset = view.getUint32(eocd + 16, true);
  if (entryCount === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    throw archiveError('is a ZIP64 archive, which Pygbox never writes', HINT_NOT_PYGBOX_ZIP);
  }
  if (disk !== 0 || cdDisk !== 0 || entriesOnDisk !== entryCount) {
    throw archiveError('is split over several disks', HINT_NOT_PYGBOX_ZIP);
  }
  if (entryCount > limits.maxEntries) {
    throw archiveError(
      `has ${entryCount} entries, more than the limit of ${limits.maxEntries}`,
      HINT_HOSTILE_ZIP,
    );
  }
  if (cdOffset + cdSize > eocd) {
    throw archiveError('is truncated: its central directory lies outside the file', HINT_NOT_PYGBOX_ZIP);
  }

  const entries: ZipEntry[] = [];
  let position = cdOffset;
  for (let index = 0; index < entryCount; index++) {
    if (
      position + CENTRAL_HEADER_SIZE > cdOffset + cdSize ||
      view.getUint32(position, true) !== CENTRAL_SIGNATURE
    ) {
      throw archiveError(`central directory entry ${index + 1} is damaged`, HINT_NOT_PYGBOX_ZIP);
    }
    const flags = view.getUint16(position + 8, true);
    const method = view.getUint16(position + 10, true);
    const crc = view.getUint32(position + 16, true);
    const compressedSize = view.getUint32(position + 20, true);
    const uncompressedSize = view.getUint32(position + 24, true);
    const nameLength = view.getUint16(position + 28, true);
    const extraLength = view.getUint16(position + 30, true);
    const commentLength = view.getUint16(position + 32, true);
    const localOffset = view.getUint32(position + 42, true);
    const nameStart = position + CENTRAL_HEADER_SIZE;
    const next = nameStart + nameLength + extraLength + commentLength;
    if (next > cdOffset + cdSize) {
      throw archiveError(`central directory entry ${index + 1} is damaged`, HINT_NOT_PYGBOX_ZIP);
    }
    const nameBytes = bytes.subarray(nameStart, nameStart + nameLength);
    const name = decodeName(nameBytes, index);
    const pathProblem = entryPathProblem(name);
    if (pathProblem !== undefined) throw zipInvalid(name, pathProblem, HINT_HOSTILE_ZIP);
    if ((flags & 0x1) !== 0) throw zipInvalid(name, 'is encrypted', HINT_NOT_PYGBOX_ZIP);
    if (method !== 0 && method !== 8) {
      throw zipInvalid(
        name,
        `uses compression method ${method}; only stored and deflate are read`,
        HINT_NOT_PYGBOX_ZIP,
      );
    }
    if (method === 0 && compressedSize !== uncompressedSize) {
      throw zipInvalid(name, 'is stored uncompressed but declares two different sizes', HINT_HOSTILE_ZIP);
    }
    const dataOffset = localDataOffset(view, bytes, localOffset, nameBytes, name);
    if (dataOffset + compressedSize > cdOffset) {
      throw zipInvalid(name, 'is truncated: its data runs past the end of the entries', HINT_NOT_PYGBOX_ZIP);
    }
    entries.push({ name, method, crc32: crc, compressedSize, uncompressedSize, localOffset, dataOffset });
    position = next;
  }
  if (position !== cdOffset + cdSize) {
    throw archiveError('central directory size does not match its entries', HINT_NOT_PYGBOX_ZIP);
  }
  rejectDuplicates(entries);
  rejectOverlaps(entries);
  return entries;
}

function findEndOfCentralDirectory(view: DataView): number {
  if (view.byteLength < END_RECORD_SIZE) {
    throw archiveError('is not a zip archive (too short)', HINT_NOT_PYGBOX_ZIP);
  }
  const lowest = Math.max(0, view.byteLength - END_RECORD_SIZE - MAX_COMMENT);
  for (let at = view.byteLength - END_RECORD_SIZE; at >= lowest; at--) {
    // The comment must reach exactly the end of the file, or a signature inside data would match.
    if (
      view.getUint32(at, true) === END_SIGNATURE &&
      at + END_RECORD_SIZE + view.getUint16(at + 20, true) === view.byteLength
    ) {
      return at;
    }
  }
  throw archiveError(
    'is not a zip archive, or it is truncated (no end of central directory)',
    HINT_NOT_PYGBOX_ZIP,
  );
}

function decodeName(nameBytes: Uint8Array, index: number): string {
  try {
    return nameDecoder.decode(nameBytes);
  } catch {
    throw archiveError(`entry ${index + 1} has a name that is not UTF-8`, HINT_HOSTILE_ZIP);
  }
}

/** The local header must exist and repeat the central name: two names for one entry is a trick. */
function localDataOffset(
  view: DataView,
  bytes: Uint8Array,
  offset: number,
  nameBytes: Uint8Array,
  name: string,
) {
  if (offset + LOCAL_HEADER_SIZE > view.byteLength || view.getUint32(offset, true) !== LOCAL_SIGNATURE) {
    throw zipInvalid(name, 'has no local header where the central directory points', HINT_NOT_PYGBOX_ZIP);
  }
  const nameLength = view.getUint16(offset + 26, true);
  const extraLength = view.getUint16(offset + 28, true);
  const localName = bytes.subarray(offset + LOCAL_HEADER_SIZE, offset + LOCAL_HEADER_SIZE + nameLength);
  if (nameLength !== nameBytes.length || !localName.every((byte, i) => byte === nameBytes[i])) {
    throw zipInvalid(name, 'has a local header with a different name', HINT_HOSTILE_ZIP);
  }
  return offset + LOCAL_HEADER_SIZE + nameLength + extraLength;
}

/** Exact duplicates and names equal but for case (one file on Windows and macOS) both count. */
function rejectDuplicates(entries: readonly ZipEntry[]): void {
  const seen = new Set<string>();
  for (const entry of entries) {
    const key = entry.name.toLowerCase();
    if (seen.has(key)) throw zipInvalid(entry.name, 'appears more than once', HINT_HOSTILE_ZIP);
    seen.add(key);
  }
}

/** Each entry's local header must start after the previous entry's data ends. */
function rejectOverlaps(entries: readonly ZipEntry[]): void {
  const byOffset = [...entries].sort((a, b) => a.localOffset - b.localOffset);
  for (let i = 1; i < byOffset.length; i++) {
    const previous = byOffset[i - 1];
    const current = byOffset[i];
    if (previous === undefined || current === undefined) continue;
    if (previous.dataOffset + previous.compressedSize > current.localOffset) {
      throw zipInvalid(current.name, 'overlaps the data of another entry', HINT_HOSTILE_ZIP);
    }
  }
}

function archiveError(problem: string, hint: string) {
  return zipInvalid(ARCHIVE_NAME, problem, hint);
}
