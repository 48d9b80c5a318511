/**
 * Small capitals (`ᴢᴏᴇ ꜱᴛᴀʀʟɪɴɢ`), from "fancy text" generators: lowercase letters with no
 * compatibility decomposition, so NFKD leaves them alone.
 */
const SMALL_CAPITALS: Readonly<Record<string, string>> = {
  ᴀ: 'a',
  ʙ: 'b',
  ᴄ: 'c',
  ᴅ: 'd',
  ᴇ: 'e',
  ꜰ: 'f',
  ɢ: 'g',
  ʜ: 'h',
  ɪ: 'i',
  ᴊ: 'j',
  ᴋ: 'k',
  ʟ: 'l',
  ᴍ: 'm',
  ɴ: 'n',
  ᴏ: 'o',
  ᴘ: 'p',
  ꞯ: 'q',
  ʀ: 'r',
  ꜱ: 's',
  ᴛ: 't',
  ᴜ: 'u',
  ᴠ: 'v',
  ᴡ: 'w',
  ʏ: 'y',
  ᴢ: 'z',
  ᴁ: 'ae',
  ᴃ: 'b',
  ᴆ: 'd',
  ᴌ: 'l',
  ᴓ: 'o',
  ᴔ: 'oe',
  ᴙ: 'r',
  ᴚ: 'r',
  ɶ: 'oe',
};

/**
 * Letters with a stroke or bar, and ligature-like letters, that have no decomposition either: a
 * reader takes `Bjørn` for `Bjorn` and `Łukasz` for `Lukasz`. `ß` and `æ` become two letters, which
 * the folded view maps back like any ligature.
 */
const STROKED_LETTERS: Readonly<Record<string, string>> = {
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ħ: 'h',
  ŧ: 't',
  ƀ: 'b',
  ɨ: 'i',
  ƶ: 'z',
  ȼ: 'c',
  ɇ: 'e',
  ɉ: 'j',
  ɍ: 'r',
  ɏ: 'y',
  ʉ: 'u',
  ƚ: 'l',
  ᵽ: 'p',
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
};

/** 26 consecutive code points from `first`, mapped to `a`-`z`. */
function lettersFrom(first: number): Record<string, string> {
  return Object.fromEntries(
    Array.from({ length: 26 }, (_, index) => [
      String.fromCodePoint(first + index),
      String.fromCharCode(97 + index),
    ]),
  );
}

/**
 * Characters that look like a Latin letter (or an ASCII apostrophe) but are not one, after NFKD and
 * lowercasing: Cyrillic and Greek letters used to spell a name so that a plain search misses it
 * (`Zое` with Cyrillic о and е), dotless i, and the apostrophes people type instead of `'`.
 *
 * Keys are lowercase because folding lowercases first. Uppercase lookalikes are listed by their
 * lowercase form (Cyrillic `Н` folds to `н`, so `н` maps to `h`); the cost is that some Cyrillic
 * and Greek words fold to Latin strings, which only ever makes matching broader, never narrower.
 */
export const HOMOGLYPHS: Readonly<Record<string, string>> = {
  ...SMALL_CAPITALS,
  ...STROKED_LETTERS,
  ...lettersFrom(0x1f1e6), // regional indicators 🇦-🇿 (pairs show as flags, see fold-text.ts)
  ...lettersFrom(0x1f150), // negative circled 🅐-🅩
  ...lettersFrom(0x1f170), // negative squared 🅰-🆉
  // Cyrillic
  а: 'a',
  в: 'b',
  е: 'e',
  ѐ: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  і: 'i',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  һ: 'h',
  ӏ: 'l',
  ү: 'y',
  // Greek
  α: 'a',
  β: 'b',
  ε: 'e',
  ζ: 'z',
  η: 'h',
  ι: 'i',
  κ: 'k',
  μ: 'm',
  ν: 'n',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'y',
  χ: 'x',
  // Final sigma is contextual in toLowerCase; folding it to σ keeps a string's fold equal to the
  // concatenation of its characters' folds, which the anonymizer's character classes rely on.
  ς: 'σ',
  // Latin lookalikes without a compatibility decomposition
  ı: 'i',
  ȷ: 'j',
  ɑ: 'a',
  ɡ: 'g',
  ɩ: 'i',
  // Armenian
  օ: 'o',
  // Apostrophes: `Zoë’s` and `Zoë's` must fold the same
  '\u2019': "'",
  '\u2018': "'",
  '\u02bc': "'",
  '\u02bb': "'",
  '\u2032': "'",
};
