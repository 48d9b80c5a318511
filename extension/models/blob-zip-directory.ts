import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import { entryPathProblem } from '../../shared/zip/zip-entry-path.ts';
import {
  CENTRAL_HEADER_SIZE,
  CENTRAL_SIGNATURE,
  END_RECORD_SIZE,
  END_SIGNATURE,
  LOCAL_HEADER_SIZE,
  LOCAL_SIGNATURE,
} from '../../shared/zip/zip-format.ts';
import { HINT_HOSTILE_ZIP, HINT_NOT_PYGBOX_ZIP } from '../../shared/zip/zip-invalid-error.ts';
import { MODEL_ARCHIVE_NAME, modelArchiveProblem, modelZipProblem } from './model-zip-problem.ts';

/**
 * Reads a model zip's central directory from a Blob by random access (`blob.slice`): models are
 * hundreds of MB to several GB, so only the tail, the directory and each local header are read,
 * never the whole file. `shared/zip/zip-central-directory.ts` parses a byte array that holds the
 * whole archive and refuses ZIP64 (export zips never need it), so it cannot serve here; the checks
 * are the same ones (names, duplicates, local headers, overlaps) plus what model zips need: ZIP64
 * end records and extra fields (`pygbox export` writes them past 4 GiB) and entries followed by a
 * data descriptor (flag bit 3; the central directory's sizes are authoritative, so only the local
 * header's zeros are tolerated).
 */

export interface BlobZipEntry {
  name: string;
  /** 0 stored, 8 deflate. */
  method: 0 | 8;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  /** Offset of the entry's (compressed) data in the archive. */
  dataOffset: number;
}

const MAX_COMMENT = 0xffff;
const MAX_16 = 0xffff;
const MAX_32 = 0xffffffff;
const ZIP64_EXTRA_ID = 0x0001;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_LOCATOR_SIZE = 20;
const ZIP64_END_SIGNATURE = 0x06064b50;
const ZIP64_END_SIZE = 56;
const FLAG_ENCRYPTED = 0x1;
/** A model folder has a dozen files; the limit only stops a hostile directory from eating memory. */
const MAX_ENTRIES = 10_000;
const MAX_DIRECTORY_BYTES = 16 * 1024 * 1024;

const nameDecoder = new TextDecoder('utf-8', { fatal: true });

async function readRange(blob: Blob, start: number, end: number): Promise<DataView> {
  try {
    return new DataView(await blob.slice(start, end).arrayBuffer());
  } catch (cause) {
    // Chromium says NotReadableError when the file changed or vanished after it was picked.
    throw new PygboxError('input-unreadable', 'could not be read', {
      place: { file: MODEL_ARCHIVE_NAME },
      hint: 'The file changed or was moved after it was picked: pick it again.',
      cause,
    });
  }
}

export async function readBlobZipDirectory(blob: Blob): Promise<BlobZipEntry[]> {
  const tailStart = Math.max(0, blob.size - END_RECORD_SIZE - MAX_COMMENT - ZIP64_LOCATOR_SIZE);
  const tail = await readRange(blob, tailStart, blob.size);
  const eocd = findEndRecord(tail);
  const disk = tail.getUint16(eocd + 4, true);
  const directoryDisk = tail.getUint16(eocd + 6, true);
  let entriesOnDisk = tail.getUint16(eocd + 8, true);
  let entryCount = tail.getUint16(eocd + 10, true);
  let directorySize = tail.getUint32(eocd + 12, true);
  let directoryOffset = tail.getUint32(eocd + 16, true);
  if (disk !== 0 || directoryDisk !== 0)
    throw archiveError('is split over several disks', HINT_NOT_PYGBOX_ZIP);
  /** Where the records after the entries' data start: the directory must end before it. */
  let directoryLimit = tailStart + eocd;
  const wantsZip64 = entryCount === MAX_16 || directorySize === MAX_32 || directoryOffset === MAX_32;
  const locatorAt = eocd - ZIP64_LOCATOR_SIZE;
  if (locatorAt >= 0 && tail.getUint32(locatorAt, true) === ZIP64_LOCATOR_SIGNATURE) {
    const end64Offset = bigToNumber(tail.getBigUint64(locatorAt + 8, true), 'ZIP64 locator');
    if (tail.getUint32(locatorAt + 16, true) !== 1) {
      throw archiveError('is split over several disks', HINT_NOT_PYGBOX_ZIP);
    }
    if (end64Offset + ZIP64_END_SIZE > tailStart + locatorAt) {
      throw archiveError('is truncated: its ZIP64 end record lies outside the file', HINT_NOT_PYGBOX_ZIP);
    }
    const end64 = await readRange(blob, end64Offset, end64Offset + ZIP64_END_SIZE);
    if (end64.getUint32(0, true) !== ZIP64_END_SIGNATURE) {
      throw archiveError('has a damaged ZIP64 end record', HINT_NOT_PYGBOX_ZIP);
    }
    if (end64.getUint32(16, true) !== 0 || end64.getUint32(20, true) !== 0) {
      throw archiveError('is split over several disks', HINT_NOT_PYGBOX_ZIP);
    }
    entriesOnDisk = bigToNumber(end64.getBigUint64(24, true), 'ZIP64 end record');
    entryCount = bigToNumber(end64.getBigUint64(32, true), 'ZIP64 end record');
    directorySize = bigToNumber(end64.getBigUint64(40, true), 'ZIP64 end record');
    directoryOffset = bigToNumber(end64.getBigUint64(48, true), 'ZIP64 end record');
    directoryLimit = end64Offset;
  } else if (wantsZip64) {
    throw archiveError('is a ZIP64 archive whose ZIP64 records are missing', HINT_NOT_PYGBOX_ZIP);
  }
  if (entriesOnDisk !== entryCount) throw archiveError('is split over several disks', HINT_NOT_PYGBOX_ZIP);
  if (entryCount > MAX_ENTRIES || directorySize > MAX_DIRECTORY_BYTES) {
    throw archiveError(`has more than ${MAX_ENTRIES} entries or a huge directory`, HINT_HOSTILE_ZIP);
  }
  if (directoryOffset + directorySize > directoryLimit) {
    throw archiveError('is truncated: its central directory lies outside the file', HINT_NOT_PYGBOX_ZIP);
  }
  const directory = await readRange(blob, directoryOffset, directoryOffset + directorySize);
  const entries = parseDirectory(directory, entryCount);
  rejectDuplicates(entries);
  const located: BlobZipEntry[] = [];
  for (const entry of entries) located.push(await locateData(blob, entry, directoryOffset));
  rejectOverlaps(located, entries);
  return located;
}

interface DirectoryRecord extends Omit<BlobZipEntry, 'dataOffset'> {
  nameBytes: Uint8Array;
  localOffset: number;
}

function parseDirectory(view: DataView, entryCount: number): DirectoryRecord[] {
  const records: DirectoryRecord[] = [];
  let position = 0;
  for (let index = 0; index < entryCount; index++) {
    if (
      position + CENTRAL_HEADER_SIZE > view.byteLength ||
      view.getUint32(position, true) !== CENTRAL_SIGNATURE
    ) {
      throw archiveError(`central directory entry ${index + 1} is damaged`, HINT_NOT_PYGBOX_ZIP);
    }
    const flags = view.getUint16(position + 8, true);
    const method = view.getUint16(position + 10, true);
    const crc32 = view.getUint32(position + 16, true);
    let compressedSize = view.getUint32(position + 20, true);
    let uncompressedSize = view.getUint32(position + 24, true);
    const nameLength = view.getUint16(position + 28, true);
    const extraLength = view.getUint16(position + 30, true);
    const commentLength = view.getUint16(position + 32, true);
    let localOffset = view.getUint32(position + 42, true);
    const nameStart = position + CENTRAL_HEADER_SIZE;
    const next = nameStart + nameLength + extraLength + commentLength;
    if (next > view.byteLength) {
      throw archiveError(`central directory entry ${index + 1} is damaged`, HINT_NOT_PYGBOX_ZIP);
    }
    const nameBytes = new Uint8Array(view.buffer, view.byteOffset + nameStart, nameLength);
    const name = decodeName(nameBytes, index);
    const pathProblem = entryPathProblem(name.endsWith('/') ? name.slice(0, -1) : name);
    if (pathProblem !== undefined) throw modelZipProblem(name, pathProblem, HINT_HOSTILE_ZIP);
    if ((flags & FLAG_ENCRYPTED) !== 0) throw modelZipProblem(name, 'is encrypted', HINT_NOT_PYGBOX_ZIP);
    if (method !== 0 && method !== 8) {
      throw modelZipProblem(
        name,
        `uses compression method ${method}; only stored and deflate are read`,
        HINT_NOT_PYGBOX_ZIP,
      );
    }
    // ZIP64 extra field: the 64-bit values appear in this order, each only where the 32-bit field
    // holds its all-ones marker (APPNOTE 4.5.3).
    if (uncompressedSize === MAX_32 || compressedSize === MAX_32 || localOffset === MAX_32) {
      const extra = new DataView(view.buffer, view.byteOffset + nameStart + nameLength, extraLength);
      const values = zip64Values(extra, name);
      const take = (): number => {
        const value = values.shift();
        if (value === undefined)
          throw modelZipProblem(name, 'has a ZIP64 extra field that is too short', HINT_NOT_PYGBOX_ZIP);
        return value;
      };
      if (uncompressedSize === MAX_32) uncompressedSize = take();
      if (compressedSize === MAX_32) compressedSize = take();
      if (localOffset === MAX_32) localOffset = take();
    }
    if (method === 0 && compressedSize !== uncompressedSize) {
      throw modelZipProblem(
        name,
        'is stored uncompressed but declares two different sizes',
        HINT_HOSTILE_ZIP,
      );
    }
    records.push({ name, nameBytes, method, crc32, compressedSize, uncompressedSize, localOffset });
    position = next;
  }
  if (position !== view.byteLength) {
    throw archiveError('central directory size does not match its entries', HINT_NOT_PYGBOX_ZIP);
  }
  return records;
}

function zip64Values(extra: DataView, name: string): number[] {
  let at = 0;
  while (at + 4 <= extra.byteLength) {
    const id = extra.getUint16(at, true);
    const size = extra.getUint16(at + 2, true);
    if (at + 4 + size > extra.byteLength) break;
    if (id === ZIP64_EXTRA_ID) {
      const values: number[] = [];
      for (let offset = 0; offset + 8 <= size; offset += 8) {
        values.push(bigToNumber(extra.getBigUint64(at + 4 + offset, true), name));
      }
      return values;
    }
    at += 4 + size;
  }
  throw modelZipProblem(name, 'declares ZIP64 sizes but has no ZIP64 extra field', HINT_NOT_PYGBOX_ZIP);
}

/** The local header must exist and repeat the central name: two names for one entry is a trick. */
async function locateData(
  blob: Blob,
  record: DirectoryRecord,
  directoryOffset: number,
): Promise<BlobZipEntry> {
  const { name, nameBytes, localOffset } = record;
  if (localOffset + LOCAL_HEADER_SIZE + nameBytes.length > directoryOffset) {
    throw modelZipProblem(
      name,
      'has no local header where the central directory points',
      HINT_NOT_PYGBOX_ZIP,
    );
  }
  const header = await readRange(blob, localOffset, localOffset + LOCAL_HEADER_SIZE + nameBytes.length);
  if (header.getUint32(0, true) !== LOCAL_SIGNATURE) {
    throw modelZipProblem(
      name,
      'has no local header where the central directory points',
      HINT_NOT_PYGBOX_ZIP,
    );
  }
  const nameLength = header.getUint16(26, true);
  const extraLength = header.getUint16(28, true);
  const localName = new Uint8Array(header.buffer, LOCAL_HEADER_SIZE, nameBytes.length);
  if (nameLength !== nameBytes.length || !localName.every((byte, i) => byte === nameBytes[i])) {
    throw modelZipProblem(name, 'has a local header with a different name', HINT_HOSTILE_ZIP);
  }
  const dataOffset = localOffset + LOCAL_HEADER_SIZE + nameLength + extraLength;
  if (dataOffset + record.compressedSize > directoryOffset) {
    throw modelZipProblem(
      name,
      'is truncated: its data runs past the end of the entries',
      HINT_NOT_PYGBOX_ZIP,
    );
  }
  return {
    name,
    method: record.method,
    crc32: record.crc32,
    compressedSize: record.compressedSize,
    uncompressedSize: record.uncompressedSize,
    dataOffset,
  };
}

function findEndRecord(tail: DataView): number {
  if (tail.byteLength < END_RECORD_SIZE) {
    throw archiveError('is not a zip archive (too short)', HINT_NOT_PYGBOX_ZIP);
  }
  for (let at = tail.byteLength - END_RECORD_SIZE; at >= 0; at--) {
    // The comment must reach exactly the end of the file, or a signature inside data would match.
    if (
      tail.getUint32(at, true) === END_SIGNATURE &&
      at + END_RECORD_SIZE + tail.getUint16(at + 20, true) === tail.byteLength
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

/** Exact duplicates and names equal but for case (one file on Windows and macOS) both count. */
function rejectDuplicates(records: readonly DirectoryRecord[]): void {
  const seen = new Set<string>();
  for (const record of records) {
    const key = record.name.toLowerCase();
    if (seen.has(key)) throw modelZipProblem(record.name, 'appears more than once', HINT_HOSTILE_ZIP);
    seen.add(key);
  }
}

/** Each entry's local header must start after the previous entry's data ends (no zip bombs). */
function rejectOverlaps(entries: readonly BlobZipEntry[], records: readonly DirectoryRecord[]): void {
  const spans = entries
    .map((entry, index) => ({
      name: entry.name,
      start: records[index]?.localOffset ?? 0,
      end: entry.dataOffset + entry.compressedSize,
    }))
    .sort((a, b) => a.start - b.start);
  for (let i = 1; i < spans.length; i++) {
    const previous = spans[i - 1];
    const current = spans[i];
    if (previous !== undefined && current !== undefined && previous.end > current.start) {
      throw modelZipProblem(current.name, 'overlaps the data of another entry', HINT_HOSTILE_ZIP);
    }
  }
}

function bigToNumber(value: bigint, where: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw modelZipProblem(where, 'declares a size or offset past 8 PiB', HINT_HOSTILE_ZIP);
  }
  return Number(value);
}

const archiveError = modelArchiveProblem;
