import { createReadStream } from 'node:fs';
import { type FileHandle, open, rename, rm } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import {
  CENTRAL_HEADER_SIZE,
  CENTRAL_SIGNATURE,
  END_RECORD_SIZE,
  END_SIGNATURE,
  LOCAL_HEADER_SIZE,
  LOCAL_SIGNATURE,
} from '../../shared/zip/zip-format.ts';

/**
 * The model folder as one zip for the extension's importer: entries STORED (ONNX weights do not
 * compress, and a stored entry can be read without inflating GBs), streamed from disk to disk (files
 * can be larger than memory), ZIP64 records where a size or offset passes 4 GiB, and one fixed
 * timestamp, so the same folder always gives the same bytes. Each file is read twice: once for its
 * CRC (the local header needs it before the data; a trailing data descriptor after stored data is
 * something many readers handle badly), once to copy it. Written beside the target, then renamed.
 */

export interface ZipSource {
  /** Name inside the zip, `/`-separated. */
  path: string;
  /** File on disk. */
  file: string;
  bytes: number;
}

const DOS_TIME = 12 << 11; // 12:00:00
const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01
const METHOD_STORED = 0;
const FLAG_UTF8 = 1 << 11;
const VERSION_PLAIN = 20;
const VERSION_ZIP64 = 45;
const MAX_32 = 0xffffffff;
const MAX_16 = 0xffff;
const ZIP64_EXTRA_ID = 0x0001;
const ZIP64_END_SIGNATURE = 0x06064b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_END_SIZE = 56;
const ZIP64_LOCATOR_SIZE = 20;

interface WrittenEntry {
  name: Buffer;
  crc: number;
  size: number;
  offset: number;
  zip64: boolean;
}

export interface ZipWriteOptions {
  /** Write ZIP64 records even for small files (tests exercise the >4 GiB layout with this). */
  forceZip64?: boolean;
}

async function fileCrc(file: string): Promise<number> {
  let crc = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    crc = crc32(chunk as Buffer, crc);
  }
  return crc >>> 0;
}

function zip64Extra(values: readonly number[]): Buffer {
  const extra = Buffer.alloc(4 + 8 * values.length);
  extra.writeUInt16LE(ZIP64_EXTRA_ID, 0);
  extra.writeUInt16LE(8 * values.length, 2);
  values.forEach((value, index) => {
    extra.writeBigUInt64LE(BigInt(value), 4 + 8 * index);
  });
  return extra;
}

function localHeader(entry: WrittenEntry): Buffer {
  const extra = entry.zip64 ? zip64Extra([entry.size, entry.size]) : Buffer.alloc(0);
  const header = Buffer.alloc(LOCAL_HEADER_SIZE);
  header.writeUInt32LE(LOCAL_SIGNATURE, 0);
  header.writeUInt16LE(entry.zip64 ? VERSION_ZIP64 : VERSION_PLAIN, 4);
  header.writeUInt16LE(FLAG_UTF8, 6);
  header.writeUInt16LE(METHOD_STORED, 8);
  header.writeUInt16LE(DOS_TIME, 10);
  header.writeUInt16LE(DOS_DATE, 12);
  header.writeUInt32LE(entry.crc, 14);
  header.writeUInt32LE(entry.zip64 ? MAX_32 : entry.size, 18);
  header.writeUInt32LE(entry.zip64 ? MAX_32 : entry.size, 22);
  header.writeUInt16LE(entry.name.length, 26);
  header.writeUInt16LE(extra.length, 28);
  return Buffer.concat([header, entry.name, extra]);
}

function centralHeader(entry: WrittenEntry): Buffer {
  const extra = entry.zip64 ? zip64Extra([entry.size, entry.size, entry.offset]) : Buffer.alloc(0);
  const header = Buffer.alloc(CENTRAL_HEADER_SIZE);
  const version = entry.zip64 ? VERSION_ZIP64 : VERSION_PLAIN;
  header.writeUInt32LE(CENTRAL_SIGNATURE, 0);
  header.writeUInt16LE(version, 4);
  header.writeUInt16LE(version, 6);
  header.writeUInt16LE(FLAG_UTF8, 8);
  header.writeUInt16LE(METHOD_STORED, 10);
  header.writeUInt16LE(DOS_TIME, 12);
  header.writeUInt16LE(DOS_DATE, 14);
  header.writeUInt32LE(entry.crc, 16);
  header.writeUInt32LE(entry.zip64 ? MAX_32 : entry.size, 20);
  header.writeUInt32LE(entry.zip64 ? MAX_32 : entry.size, 24);
  header.writeUInt16LE(entry.name.length, 28);
  header.writeUInt16LE(extra.length, 30);
  // comment length, disk number, internal attributes, external attributes: 0
  header.writeUInt32LE(entry.zip64 ? MAX_32 : entry.offset, 42);
  return Buffer.concat([header, entry.name, extra]);
}

function endRecords(count: number, centralOffset: number, centralSize: number, force: boolean): Buffer {
  const needs64 = force || count >= MAX_16 || centralOffset >= MAX_32 || centralSize >= MAX_32;
  const parts: Buffer[] = [];
  if (needs64) {
    const end64 = Buffer.alloc(ZIP64_END_SIZE);
    end64.writeUInt32LE(ZIP64_END_SIGNATURE, 0);
    end64.writeBigUInt64LE(BigInt(ZIP64_END_SIZE - 12), 4);
    end64.writeUInt16LE(VERSION_ZIP64, 12);
    end64.writeUInt16LE(VERSION_ZIP64, 14);
    // disk numbers (16, 20): 0
    end64.writeBigUInt64LE(BigInt(count), 24);
    end64.writeBigUInt64LE(BigInt(count), 32);
    end64.writeBigUInt64LE(BigInt(centralSize), 40);
    end64.writeBigUInt64LE(BigInt(centralOffset), 48);
    const locator = Buffer.alloc(ZIP64_LOCATOR_SIZE);
    locator.writeUInt32LE(ZIP64_LOCATOR_SIGNATURE, 0);
    locator.writeBigUInt64LE(BigInt(centralOffset + centralSize), 8);
    locator.writeUInt32LE(1, 16); // total number of disks
    parts.push(end64, locator);
  }
  const end = Buffer.alloc(END_RECORD_SIZE);
  end.writeUInt32LE(END_SIGNATURE, 0);
  end.writeUInt16LE(needs64 ? MAX_16 : count, 8);
  end.writeUInt16LE(needs64 ? MAX_16 : count, 10);
  end.writeUInt32LE(needs64 ? MAX_32 : centralSize, 12);
  end.writeUInt32LE(needs64 ? MAX_32 : centralOffset, 16);
  parts.push(end);
  return Buffer.concat(parts);
}

async function writeAll(handle: FileHandle, data: Buffer, position: number): Promise<number> {
  let written = 0;
  while (written < data.length) {
    const { bytesWritten } = await handle.write(data, written, data.length - written, position + written);
    written += bytesWritten;
  }
  return written;
}

async function copyInto(handle: FileHandle, source: ZipSource, position: number): Promise<number> {
  let offset = position;
  for await (const chunk of createReadStream(source.file, { highWaterMark: 1 << 20 })) {
    offset += await writeAll(handle, chunk as Buffer, offset);
  }
  if (offset - position !== source.bytes) {
    throw new PygboxError(
      'output-failed',
      `changed size while being zipped (${source.bytes} -> ${offset - position} bytes)`,
      {
        place: { file: source.file },
        hint: 'nothing else may write to the model folder during the export; run it again',
      },
    );
  }
  return offset;
}

export async function writeModelZip(
  zipFile: string,
  sources: readonly ZipSource[],
  options: ZipWriteOptions = {},
): Promise<void> {
  const temporary = `${zipFile}.partial-${process.pid}`;
  const handle = await open(temporary, 'w');
  try {
    const entries: WrittenEntry[] = [];
    let position = 0;
    for (const source of sources) {
      const entry: WrittenEntry = {
        name: Buffer.from(source.path, 'utf8'),
        crc: await fileCrc(source.file),
        size: source.bytes,
        offset: position,
        zip64: options.forceZip64 === true || source.bytes >= MAX_32 || position >= MAX_32,
      };
      position += await writeAll(handle, localHeader(entry), position);
      position = await copyInto(handle, source, position);
      entries.push(entry);
    }
    const centralOffset = position;
    for (const entry of entries) position += await writeAll(handle, centralHeader(entry), position);
    const end = endRecords(
      entries.length,
      centralOffset,
      position - centralOffset,
      options.forceZip64 === true,
    );
    await writeAll(handle, end, position);
    await handle.close();
    await rename(temporary, zipFile);
  } catch (cause) {
    await handle.close().catch(() => undefined);
    await rm(temporary, { force: true });
    if (cause instanceof PygboxError) throw cause;
    throw new PygboxError('output-failed', 'could not write the model zip', {
      place: { file: zipFile },
      hint: 'check that the folder is writable and the disk has room for a copy of the model folder',
      cause,
    });
  }
}
