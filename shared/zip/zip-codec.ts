import { deflateSync } from 'fflate';
import { crc32 } from './crc32.ts';

/**
 * The two byte-crunching steps of writing a zip. They are pluggable because a host can have a
 * faster native one than portable JavaScript: the Node CLI passes zlib's (about 5x the speed of
 * either JavaScript deflater on 59 MB of chat JSON, bench/RESULTS.md "Zip library"); browsers and
 * extension workers use this portable one.
 */
export interface ZipCodec {
  /** Raw DEFLATE (no zlib header), as zip entries hold it. */
  deflateRaw(bytes: Uint8Array): Uint8Array | Promise<Uint8Array>;
  crc32(bytes: Uint8Array): number;
}

/**
 * Level 1: about 1.7x the speed of level 6 for a zip about a fifth larger (15.6% of the input
 * against 12.9%, bench/RESULTS.md).
 */
export const EXPORT_COMPRESSION_LEVEL = 1;

/**
 * fflate, although JSZip's deflater (pako) measured about a quarter faster at level 1: fflate also
 * gives the reader its bounded streaming inflate, so one small library serves both directions, and
 * the exports browsers write (one user's chats) take well under a second either way.
 */
export const portableZipCodec: ZipCodec = {
  deflateRaw: (bytes) => deflateSync(bytes, { level: EXPORT_COMPRESSION_LEVEL }),
  crc32,
};
