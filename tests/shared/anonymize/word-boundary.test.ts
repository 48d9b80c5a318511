import { describe, expect, it } from 'vitest';
import { isBlockingWordChar } from '../../../shared/anonymize/word-boundary.ts';

describe('word boundaries', () => {
  it.each([
    ['a', true],
    ['_', true],
    ['7', true],
    ['é', true],
    ['ж', true],
    ['ب', true],
    ['지', true],
    ['李', false],
    ['さ', false],
    ['ก', false],
    [' ', false],
    ["'", false],
    ['💖', false],
  ])('isBlockingWordChar(%s) is %s', (ch, expected) => {
    expect(isBlockingWordChar(ch)).toBe(expected);
  });
});
