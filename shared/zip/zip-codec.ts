import { deflateSync } from 'fflate';
import { crc32 } from './crc32.ts';

/**
 * The two byte-crunching steps of writing a zip. They are pluggable because each host has a
 * faster native one than portable JavaScript: the Node CLI passes zlib's (four times faster at
 * level 1 on chat JSON, see bench/RESULTS.md); browsers and extension workers use this portable one.
 */
export interface ZipCodec {
  /** Raw DEFLATE (no zlib header), as zip entries hold it. */
  deflateRaw(bytes: Uint8Array): Uint8Array | Promise<Uint8Array>;
  crc32(bytes: Uint8Array): number;
}

/**
 * Level 1: on 50 MB of chat JSON lines fflate wrote 21-24 MB/s at level 1 against 14-22 MB/s at
 * level 6, and the level-1 zip was only about 3% larger.
 */
export const EXPORT_COMPRESSION_LEVEL = 1;

export const portableZipCodec: ZipCodec = {
  deflateRaw: (bytes) => deflateSync(bytes, { level: EXPORT_COMPRESSION_LEVEL }),
  crc32,
};
