import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CRC32_START, crc32, finishCrc32, updateCrc32 } from '../../../shared/zip/crc32.ts';

describe('crc32', () => {
  it.each([
    ['', 0],
    ['123456789', 0xcbf43926],
    ['The quick brown fox jumps over the lazy dog', 0x414fa339],
  ])('of %j is the standard zip CRC', (text, expected) => {
    expect(crc32(new TextEncoder().encode(text))).toBe(expected);
  });
});

describe('crc32 against zlib', () => {
  it('agrees with node:zlib on random buffers of every length up to 70 and a large one', () => {
    let seed = 12345;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed >>> 24;
    };
    const lengths = [...Array.from({ length: 71 }, (_, n) => n), 100_003];
    for (const length of lengths) {
      const bytes = Uint8Array.from({ length }, random);
      expect(crc32(bytes), `length ${length}`).toBe(zlibCrc32(bytes));
    }
  });
});

describe('crc32 in chunks', () => {
  it('gives the whole buffer’s CRC whatever the chunk sizes', () => {
    const bytes = Uint8Array.from({ length: 10_007 }, (_, index) => (index * 31 + 7) & 0xff);
    for (const size of [1, 3, 8, 13, 4096]) {
      let running = CRC32_START;
      for (let start = 0; start < bytes.length; start += size) {
        running = updateCrc32(running, bytes.subarray(start, start + size));
      }
      expect(finishCrc32(running), `chunks of ${size}`).toBe(zlibCrc32(bytes));
    }
  });
});
