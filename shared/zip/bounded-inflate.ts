import type { ZipEntry } from './zip-central-directory.ts';
import { portableZipCodec, type ZipInflateCodec } from './zip-codec.ts';
import { HINT_HOSTILE_ZIP, HINT_NOT_PYGBOX_ZIP, zipInvalid } from './zip-invalid-error.ts';

/**
 * Inflates one entry into at most its declared size, with the codec's bounded inflate, and checks
 * the result against the header: exact size, then CRC-32. The declared size was checked against
 * the limits already; a header that lies (declares little, inflates to much) is stopped by the
 * codec's bound, whichever codec runs, and every failure is worded here, so the two codecs refuse
 * the same zips with the same messages.
 */
export function inflateEntry(
  archive: Uint8Array,
  entry: ZipEntry,
  codec: ZipInflateCodec = portableZipCodec,
): Uint8Array {
  const data = archive.subarray(entry.dataOffset, entry.dataOffset + entry.compressedSize);
  const out = entry.method === 0 ? data : inflated(data, entry, codec);
  if (out.length !== entry.uncompressedSize) {
    throw zipInvalid(
      entry.name,
      `inflates to ${out.length} bytes but its header declares ${entry.uncompressedSize}`,
      HINT_HOSTILE_ZIP,
    );
  }
  if (codec.crc32(out) !== entry.crc32) {
    throw zipInvalid(entry.name, 'fails its CRC-32 check (the data is damaged)', HINT_NOT_PYGBOX_ZIP);
  }
  return out;
}

function inflated(data: Uint8Array, entry: ZipEntry, codec: ZipInflateCodec): Uint8Array {
  const result = codec.inflateRaw(data, entry.uncompressedSize);
  switch (result.kind) {
    case 'inflated':
      // A codec that overshoots its bound by a little (zlib cannot be asked for a bound of 0)
      // still reads as the bomb it is.
      if (result.bytes.length <= entry.uncompressedSize) return result.bytes;
      return tooLarge(entry);
    case 'too-large':
      return tooLarge(entry);
    case 'truncated':
      throw zipInvalid(entry.name, 'has truncated compressed data', HINT_NOT_PYGBOX_ZIP);
    case 'damaged':
      throw zipInvalid(entry.name, 'has damaged compressed data', HINT_NOT_PYGBOX_ZIP);
  }
}

function tooLarge(entry: ZipEntry): never {
  throw zipInvalid(
    entry.name,
    `inflates to more than the ${entry.uncompressedSize} bytes its header declares`,
    HINT_HOSTILE_ZIP,
  );
}
