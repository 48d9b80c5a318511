import { Inflate } from 'fflate';
import { PygboxError } from '../errors/pygbox-error.ts';
import { crc32 } from './crc32.ts';
import type { ZipEntry } from './zip-central-directory.ts';
import { HINT_HOSTILE_ZIP, HINT_NOT_PYGBOX_ZIP, zipInvalid } from './zip-invalid-error.ts';

/**
 * Inflates one entry into a buffer of its declared size and no more. The declared size was
 * checked against the limits already; a header that lies (declares little, inflates to much) is
 * caught here after at most one chunk's worth of output, because the compressed data is fed in
 * small chunks and each chunk's output is counted before it is kept. Deflate expands at most
 * about 1032 to 1, so a 16 KiB chunk yields at most about 16 MiB.
 */
const CHUNK_BYTES = 16 * 1024;

export function inflateEntry(archive: Uint8Array, entry: ZipEntry): Uint8Array {
  const data = archive.subarray(entry.dataOffset, entry.dataOffset + entry.compressedSize);
  const out = entry.method === 0 ? data : inflateBounded(data, entry);
  if (out.length !== entry.uncompressedSize) {
    throw zipInvalid(
      entry.name,
      `inflates to ${out.length} bytes but its header declares ${entry.uncompressedSize}`,
      HINT_HOSTILE_ZIP,
    );
  }
  if (crc32(out) !== entry.crc32) {
    throw zipInvalid(entry.name, 'fails its CRC-32 check (the data is damaged)', HINT_NOT_PYGBOX_ZIP);
  }
  return out;
}

function inflateBounded(data: Uint8Array, entry: ZipEntry): Uint8Array {
  const out = new Uint8Array(entry.uncompressedSize);
  let written = 0;
  let ended = false;
  const inflater = new Inflate((chunk, final) => {
    if (written + chunk.length > out.length) {
      throw zipInvalid(
        entry.name,
        `inflates to more than the ${entry.uncompressedSize} bytes its header declares`,
        HINT_HOSTILE_ZIP,
      );
    }
    out.set(chunk, written);
    written += chunk.length;
    if (final) ended = true;
  });
  try {
    for (let at = 0; at < data.length; at += CHUNK_BYTES) {
      const end = Math.min(at + CHUNK_BYTES, data.length);
      inflater.push(data.subarray(at, end), end === data.length);
    }
    if (data.length === 0) inflater.push(data, true);
  } catch (error) {
    if (error instanceof PygboxError) throw error;
    throw zipInvalid(entry.name, 'has damaged compressed data', HINT_NOT_PYGBOX_ZIP);
  }
  if (!ended) throw zipInvalid(entry.name, 'has truncated compressed data', HINT_NOT_PYGBOX_ZIP);
  return written === out.length ? out : out.subarray(0, written);
}
