import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../../shared/zip/crc32.ts';

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
