/**
 * Whole-word rules, applied to folded text (where marks and invisible characters are already gone, so
 * `Zoe\u0308s` is the word `zoes`). Word characters are letters, digits and `_`. Scripts written
 * without spaces between words have no word boundaries: a name in them matches as a substring, and
 * a neighbour in them never blocks a match. Hangul is written with spaces and keeps its boundaries.
 */

const NO_SPACE_SCRIPTS =
  '\\p{scx=Han}\\p{scx=Hiragana}\\p{scx=Katakana}\\p{scx=Thai}\\p{scx=Lao}\\p{scx=Khmer}\\p{scx=Myanmar}';

/** A character class (regex `v` flag) of the characters that end a word when next to a name. */
export const BLOCKING_WORD_CHAR_CLASS = `[[\\p{L}\\p{N}_]--[${NO_SPACE_SCRIPTS}]]`;

const BLOCKING_WORD_CHAR = new RegExp(`^${BLOCKING_WORD_CHAR_CLASS}$`, 'v');

/** True when `ch` (one code point) next to a name means the name is part of a longer word. */
export function isBlockingWordChar(ch: string): boolean {
  const code = ch.charCodeAt(0);
  if (code < 0x80) {
    return (
      (code >= 0x30 && code <= 0x39) ||
      (code >= 0x41 && code <= 0x5a) ||
      (code >= 0x61 && code <= 0x7a) ||
      code === 0x5f
    );
  }
  return BLOCKING_WORD_CHAR.test(ch);
}

/** The code point that ends just before `index` in `text` ('' at the start). */
export function codePointBefore(text: string, index: number): string {
  if (index <= 0) return '';
  const low = text.charCodeAt(index - 1);
  if (low >= 0xdc00 && low <= 0xdfff && index >= 2) {
    const high = text.charCodeAt(index - 2);
    if (high >= 0xd800 && high <= 0xdbff) return text.slice(index - 2, index);
  }
  return text.slice(index - 1, index);
}

/** The code point that starts at `index` in `text` ('' at the end). */
export function codePointAt(text: string, index: number): string {
  const codePoint = text.codePointAt(index);
  return codePoint === undefined ? '' : String.fromCodePoint(codePoint);
}
