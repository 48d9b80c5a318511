import { CRC32_START, finishCrc32, updateCrc32 } from '../../shared/zip/crc32.ts';

/**
 * CRC-32 (the zip polynomial) over data that arrives in chunks: a model entry is streamed from the
 * zip to storage and never held whole. The loop is shared/zip's; this only keeps the running value.
 */
export class Crc32Stream {
  #crc = CRC32_START;

  update(bytes: Uint8Array): void {
    this.#crc = updateCrc32(this.#crc, bytes);
  }

  digest(): number {
    return finishCrc32(this.#crc);
  }
}
