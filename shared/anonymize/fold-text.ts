import { HOMOGLYPHS } from './homoglyphs.ts';

/**
 * The one definition of "the same name": compatibility decomposition (full-width and mathematical
 * letters become plain ones), marks and invisible characters removed (diacritics, zero-width
 * joiners, bidi controls, Hangul fillers), Hangul recomposed, lowercase, homoglyphs mapped to Latin (homoglyphs.ts:
 * Cyrillic and Greek lookalikes, small capitals, stroked letters, `ß` as `ss`, letter emoji).
 *
 * The audit folds whole texts with `foldText`; the anonymizer folds code point by code point with
 * `foldCodePoint` (see folded-view.ts) so it can map matches back. Both agree on every text but
 * Hangul typed as separate conjoining jamo, which only `foldText` recomposes: the audit then
 * catches what the anonymizer missed, and the export fails closed.
 *
 * ASCII needs only lowercasing, so only the runs of non-ASCII characters go through the Unicode
 * steps (the result is the same: an ASCII character never composes with its neighbours once marks
 * are gone). Chat text is mostly ASCII with the odd `’` or `…`, and runs repeat, so they are cached.
 */

/** Any UTF-16 unit above ASCII (a `u`-flag class is slower for this test). */
const NON_ASCII = /[\u0080-\uffff]/;
const NON_ASCII_RUN = /[\u0080-\uffff]+/g;
/**
 * What the fold drops: marks, format characters, and the other default-ignorable code points,
 * which render as nothing or as a blank. Beyond marks and format characters those are the Hangul
 * fillers (U+115F, U+1160, U+3164, U+FFA0): letters by category, so `Zo\u3164e` would otherwise
 * fold to two words, though a reader sees `Zoe`. A class for a `u`- or `v`-flag regex.
 */
export const IGNORABLE_CLASS = '[\\p{M}\\p{Cf}\\p{Default_Ignorable_Code_Point}]';
const IGNORABLE = new RegExp(IGNORABLE_CLASS, 'gu');
const HOMOGLYPH_CHARS = new RegExp(
  `[${Object.keys(HOMOGLYPHS)
    .map((ch) => `\\u{${(ch.codePointAt(0) ?? 0).toString(16)}}`)
    .join('')}]`,
  'gu',
);
/** `⒜`-`⒵`: NFKD makes them `(a)`-`(z)`, so they are mapped to their letter before it. */
const PARENTHESIZED_LETTER = /[\u249c-\u24b5]/g;
const MAX_CACHED = 20_000;

/**
 * Symbols the fold reads as letters that are also emoji: regional indicators (`🇿🇴🇪`, but also
 * every flag: `🇫🇷` folds to `fr`) and negative circled and squared letters (`🅰`). A name glued to
 * a flag (`Ann🇫🇷`) then folds into a longer word (`annfr`), so both the anonymizer and the audit
 * search such texts a second time with these symbols read as a break between words.
 */
const LETTER_SYMBOL = /\ud83c[\udd50-\udd69\udd70-\udd89\udde6-\uddff]/;
/** Whether `text` holds a letter symbol; looks for their shared high surrogate first, which is faster. */
export function hasLetterSymbol(text: string): boolean {
  return text.includes('\ud83c') && LETTER_SYMBOL.test(text);
}

export const LETTER_SYMBOL_RUN = /(?:\ud83c[\udd50-\udd69\udd70-\udd89\udde6-\uddff])+/g;
const runCache = new Map<string, string>();
const codePointCache = new Map<string, string>();

function mapHomoglyph(ch: string): string {
  return HOMOGLYPHS[ch] ?? ch;
}

function mapParenthesized(ch: string): string {
  return String.fromCharCode(ch.charCodeAt(0) - 0x249c + 97);
}

/** The Unicode steps, on a string that may hold anything. */
function foldUnicode(text: string): string {
  // NFC after stripping marks only recomposes Hangul: NFKD splits syllables into jamo, which are
  // letters, not marks, and would otherwise no longer equal a name typed as syllables.
  return text
    .replace(PARENTHESIZED_LETTER, mapParenthesized)
    .normalize('NFKD')
    .replace(IGNORABLE, '')
    .normalize('NFC')
    .toLowerCase()
    .replace(HOMOGLYPH_CHARS, mapHomoglyph);
}

function cached(cache: Map<string, string>, key: string, fold: (text: string) => string): string {
  let folded = cache.get(key);
  if (folded === undefined) {
    folded = fold(key);
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(key, folded);
  }
  return folded;
}

function foldRun(run: string): string {
  return cached(runCache, run, foldUnicode);
}

/** Folds a whole text. */
export function foldText(text: string): string {
  if (!NON_ASCII.test(text)) return text.toLowerCase();
  return text.replace(NON_ASCII_RUN, foldRun).toLowerCase();
}

/** Folds one code point (a one- or two-unit string). */
export function foldCodePoint(ch: string): string {
  return cached(codePointCache, ch, foldUnicode);
}
