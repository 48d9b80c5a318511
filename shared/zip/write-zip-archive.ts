import { PygboxError } from '../errors/pygbox-error.ts';
import type { ZipCodec } from './zip-codec.ts';
import {
  CENTRAL_HEADER_SIZE,
  CENTRAL_SIGNATURE,
  END_RECORD_SIZE,
  END_SIGNATURE,
  LOCAL_HEADER_SIZE,
  LOCAL_SIGNATURE,
} from './zip-format.ts';

/**
 * A plain zip writer: deflated entries, ASCII names, no ZIP64, one fixed timestamp. Written by
 * hand (about the size of a library's options object) so the deflate and CRC steps can be the
 * host's native ones; `readCentralDirectory` reads exactly this subset back.
 */

export interface ZipArchiveEntry {
  path: string;
  bytes: Uint8Array;
}

/**
 * Every entry gets 1980-01-01 12:00 (DOS date and time fields), so the same chats give a
 * byte-identical zip in any time zone and the archive does not record when the user exported.
 */
const DOS_TIME = 12 << 11;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const VERSION_NEEDED = 20;
const METHOD_DEFLATE = 8;
const MAX_32 = 0xffffffff;
const MAX_ENTRIES = 0xffff;

export async function writeZipArchive(
  entries: readonly ZipArchiveEntry[],
  codec: ZipCodec,
): Promise<Uint8Array> {
  if (entries.length > MAX_ENTRIES) throw tooLarge(`${entries.length} entries`);
  const encoder = new TextEncoder();
  const prepared: PreparedEntry[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = encoder.encode(entry.path);
    const data = await codec.deflateRaw(entry.bytes);
    const crc = codec.crc32(entry.bytes) >>> 0;
    if (entry.bytes.length > MAX_32 || data.length > MAX_32) throw tooLarge(entry.path);
    prepared.push({ name, data, crc, size: entry.bytes.length, offset });
    offset += LOCAL_HEADER_SIZE + name.length + data.length;
  }
  const centralSize = prepared.reduce((sum, entry) => sum + CENTRAL_HEADER_SIZE + entry.name.length, 0);
  if (offset + centralSize > MAX_32) throw tooLarge('the archive');

  const out = new Uint8Array(offset + centralSize + END_RECORD_SIZE);
  const view = new DataView(out.buffer);
  for (const entry of prepared) {
    view.setUint32(entry.offset, LOCAL_SIGNATURE, true);
    writeSharedFields(view, entry.offset + 4, entry);
    // Extra field length stays zero.
    const nameAt = entry.offset + LOCAL_HEADER_SIZE;
    out.set(entry.name, nameAt);
    out.set(entry.data, nameAt + entry.name.length);
  }
  let at = offset;
  for (const entry of prepared) {
    view.setUint32(at, CENTRAL_SIGNATURE, true);
    view.setUint16(at + 4, VERSION_NEEDED, true); // version made by
    writeSharedFields(view, at + 6, entry);
    // Extra and comment lengths, disk number, internal and external attributes stay zero.
    view.setUint32(at + 42, entry.offset, true);
    out.set(entry.name, at + CENTRAL_HEADER_SIZE);
    at += CENTRAL_HEADER_SIZE + entry.name.length;
  }
  view.setUint32(at, END_SIGNATURE, true);
  view.setUint16(at + 8, prepared.length, true);
  view.setUint16(at + 10, prepared.length, true);
  view.setUint32(at + 12, centralSize, true);
  view.setUint32(at + 16, offset, true);
  return out;
}

interface PreparedEntry {
  name: Uint8Array;
  data: Uint8Array;
  crc: number;
  size: number;
  offset: number;
}

/**
 * The 26 bytes a local header and its central-directory record have in common, from "version
 * needed" to "file name length", in the same order in both.
 */
function writeSharedFields(view: DataView, at: number, entry: PreparedEntry): void {
  view.setUint16(at, VERSION_NEEDED, true);
  view.setUint16(at + 2, 0, true); // flags
  view.setUint16(at + 4, METHOD_DEFLATE, true);
  view.setUint16(at + 6, DOS_TIME, true);
  view.setUint16(at + 8, DOS_DATE, true);
  view.setUint32(at + 10, entry.crc, true);
  view.setUint32(at + 14, entry.data.length, true);
  view.setUint32(at + 18, entry.size, true);
  view.setUint16(at + 22, entry.name.length, true);
}

function tooLarge(what: string): PygboxError {
  return new PygboxError('output-failed', `${what} is too large for a plain zip`, {
    hint: 'Export fewer chats at a time (each export zip must stay under 4 GB and 65,535 files).',
  });
}
