import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import {
  type BoundedInflateResult,
  EXPORT_COMPRESSION_LEVEL,
  type ZipCodec,
  type ZipInflateCodec,
} from '../../shared/zip/zip-codec.ts';

/**
 * Node's native zlib for export zips, both ways: same format and level as the portable codec,
 * faster (writing about 5x, reading about 6x: bench/RESULTS.md "Zip library" and "Collection
 * server uploads").
 */
export const nodeZipCodec: ZipCodec & ZipInflateCodec = {
  deflateRaw: (bytes) => deflateRawSync(bytes, { level: EXPORT_COMPRESSION_LEVEL }),
  inflateRaw: inflateRawBounded,
  crc32: (bytes) => crc32(bytes),
};

/**
 * zlib's `maxOutputLength` stops inflating once the output would pass it (it collects output in
 * `chunkSize` pieces and refuses the piece that crosses the bound), so a bomb costs at most the
 * bound plus one piece. zlib cannot be given a bound of 0: an empty entry gets 1, and the reader
 * refuses the one byte too many itself.
 */
function inflateRawBounded(data: Uint8Array, maxBytes: number): BoundedInflateResult {
  try {
    const out = inflateRawSync(data, { maxOutputLength: Math.max(1, maxBytes) });
    // A plain view: callers compare and hash bytes, and need no Buffer methods.
    return { kind: 'inflated', bytes: new Uint8Array(out.buffer, out.byteOffset, out.byteLength) };
  } catch (error) {
    return { kind: failureKind(error) };
  }
}

function failureKind(error: unknown): 'too-large' | 'truncated' | 'damaged' {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  // ERR_BUFFER_TOO_LARGE: the bound; Z_BUF_ERROR: input ended mid-stream ("unexpected end of file").
  if (code === 'ERR_BUFFER_TOO_LARGE') return 'too-large';
  if (code === 'Z_BUF_ERROR') return 'truncated';
  return 'damaged';
}
