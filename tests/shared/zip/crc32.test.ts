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
