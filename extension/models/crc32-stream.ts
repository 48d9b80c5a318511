/**
 * CRC-32 (the zip polynomial) over data that arrives in chunks: a model entry is streamed from the
 * zip to storage and never held whole, so `shared/zip/crc32.ts` (one call over all the bytes)
 * does not fit. Slicing-by-8 as there: eight lookups per eight bytes.
 */
const TABLE: Uint32Array = buildTable();

function buildTable(): Uint32Array {
  const table = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    for (let t = 1; t < 8; t++) {
      const previous = table[(t - 1) * 256 + n] ?? 0;
      table[t * 256 + n] = ((table[previous & 0xff] ?? 0) ^ (previous >>> 8)) >>> 0;
    }
  }
  return table;
}

const at = (index: number): number => TABLE[index] ?? 0;

export class Crc32Stream {
  #crc = 0xffffffff;

  update(bytes: Uint8Array): void {
    let crc = this.#crc;
    let i = 0;
    const whole = bytes.length - (bytes.length % 8);
    for (; i < whole; i += 8) {
      const word =
        (crc ^
          ((bytes[i] ?? 0) |
            ((bytes[i + 1] ?? 0) << 8) |
            ((bytes[i + 2] ?? 0) << 16) |
            ((bytes[i + 3] ?? 0) << 24))) >>>
        0;
      crc =
        at(7 * 256 + (word & 0xff)) ^
        at(6 * 256 + ((word >>> 8) & 0xff)) ^
        at(5 * 256 + ((word >>> 16) & 0xff)) ^
        at(4 * 256 + (word >>> 24)) ^
        at(3 * 256 + (bytes[i + 4] ?? 0)) ^
        at(2 * 256 + (bytes[i + 5] ?? 0)) ^
        at(256 + (bytes[i + 6] ?? 0)) ^
        at(bytes[i + 7] ?? 0);
    }
    for (; i < bytes.length; i++) crc = at((crc ^ (bytes[i] ?? 0)) & 0xff) ^ (crc >>> 8);
    this.#crc = crc >>> 0;
  }

  digest(): number {
    return (this.#crc ^ 0xffffffff) >>> 0;
  }
}
