import { Inflate } from 'fflate';
import type { BoundedInflateResult } from './zip-codec.ts';

/**
 * The portable bounded inflate (fflate, JavaScript): the compressed data is fed in small chunks
 * and each chunk's output is counted before it is kept, so data that inflates past `maxBytes` is
 * stopped after at most one chunk's worth of output. Deflate expands at most about 1032 to 1, so a
 * 16 KiB chunk yields at most about 16 MiB.
 */
const CHUNK_BYTES = 16 * 1024;

/** fflate's error code for input that ends before the final deflate block does. */
const FFLATE_UNEXPECTED_EOF = 0;

class OutputTooLarge extends Error {}

export function inflateRawBounded(data: Uint8Array, maxBytes: number): BoundedInflateResult {
  // A deflate stream ends with a final block, so no bytes is a cut stream (fflate would call it
  // empty output; zlib, like the format, calls it truncated).
  if (data.length === 0) return { kind: 'truncated' };
  const out = new Uint8Array(maxBytes);
  let written = 0;
  let ended = false;
  const inflater = new Inflate((chunk, final) => {
    if (written + chunk.length > out.length) throw new OutputTooLarge();
    out.set(chunk, written);
    written += chunk.length;
    if (final) ended = true;
  });
  try {
    for (let at = 0; at < data.length; at += CHUNK_BYTES) {
      const end = Math.min(at + CHUNK_BYTES, data.length);
      inflater.push(data.subarray(at, end), end === data.length);
    }
  } catch (error) {
    if (error instanceof OutputTooLarge) return { kind: 'too-large' };
    const endedEarly =
      typeof error === 'object' && error !== null && 'code' in error && error.code === FFLATE_UNEXPECTED_EOF;
    return { kind: endedEarly ? 'truncated' : 'damaged' };
  }
  if (!ended) return { kind: 'truncated' };
  return { kind: 'inflated', bytes: written === out.length ? out : out.subarray(0, written) };
}
