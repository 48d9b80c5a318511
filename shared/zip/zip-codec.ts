import { deflateSync } from 'fflate';
import { crc32 } from './crc32.ts';
import { inflateRawBounded } from './inflate-raw-bounded.ts';

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
 * What a bounded inflate made of one entry's data. Failures are kinds, not thrown errors, so the
 * reader words them the same whichever codec ran (bounded-inflate.ts).
 */
export type BoundedInflateResult =
  | { kind: 'inflated'; bytes: Uint8Array }
  /** The output would pass `maxBytes`: a header that lies about its size, or a bomb. */
  | { kind: 'too-large' }
  /** The input ends before the last deflate block does. */
  | { kind: 'truncated' }
  | { kind: 'damaged' };

/**
 * The byte-crunching steps of reading a zip, pluggable for the same reason as `ZipCodec`:
 * inflating and CRC-checking a 1 MB upload of 340 chats took about 57 ms in JavaScript and 9 with
 * zlib, of about 130 ms that checking it took in all (bench/RESULTS.md "Collection server uploads").
 */
export interface ZipInflateCodec {
  /**
   * Raw DEFLATE to at most `maxBytes` of output. The bound is what keeps a zip bomb from
   * exhausting memory: an implementation must stop once the output passes it (holding at most
   * about one chunk more), never inflate whole and measure after.
   */
  inflateRaw(data: Uint8Array, maxBytes: number): BoundedInflateResult;
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
export const portableZipCodec: ZipCodec & ZipInflateCodec = {
  deflateRaw: (bytes) => deflateSync(bytes, { level: EXPORT_COMPRESSION_LEVEL }),
  inflateRaw: inflateRawBounded,
  crc32,
};
