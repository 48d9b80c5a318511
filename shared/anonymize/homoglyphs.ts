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
