import { describe, expect, it } from 'vitest';
import { foldCodePoint, foldText } from '../../../shared/anonymize/fold-text.ts';

describe('foldText', () => {
  it.each([
    ['ASCII lowercase', 'Zoe QUILL', 'zoe quill'],
    ['precomposed diacritics', 'Zoë Ñandú', 'zoe nandu'],
    ['decomposed diacritics', 'Zoe\u0308', 'zoe'],
    ['full-width', 'Ｚｏｅ＿９９', 'zoe_99'],
    ['mathematical letters', '𝓩𝓸𝓮 𝐙𝐨𝐞 𝕫𝕠𝕖', 'zoe zoe zoe'],
    ['circled letters', 'ⓩⓞⓔ', 'zoe'],
    ['Cyrillic homoglyphs', 'Zое', 'zoe'],
    ['Greek homoglyphs', 'ΖΟΕ', 'zoe'],
    ['zero-width and bidi characters', 'Z\u200Bo\u200De\u202E', 'zoe'],
    ['ligatures', 'Soﬁa', 'sofia'],
    ['curly apostrophes', 'Zoë’s', "zoe's"],
    ['Hangul stays syllables', '지수', '지수'],
    ['Arabic presentation forms', 'ﻓﺎﻃﻤﺔ', 'فاطمة'],
    ['final sigma', 'ΟΔΥΣΣΕΥΣ', foldText('οδυσσευσ')],
    ['no-break space', 'Zoe\u00A0Quill', 'zoe quill'],
    ['small capitals', 'ᴢᴏᴇ ꜱᴛᴀʀʟɪɴɢ', 'zoe starling'],
    ['regional indicators', '🇿🇴🇪', 'zoe'],
    ['negative circled and squared letters', '🅩🅞🅔 🆉🅾🅴', 'zoe zoe'],
    ['parenthesized letters', '⒵⒪⒠', 'zoe'],
    ['stroked letters', 'ØŁĐĦŦɃƗƵ øłđħŧƀɨƶ', 'oldhtbiz oldhtbiz'],
    ['sharp s', 'Straße STRAẞE', 'strasse strasse'],
    ['Hangul fillers', 'Zo\u3164e Star\uFFA0ling \u115FAnn\u1160', 'zoe starling ann'],
    ['Hangul syllables around a filler', '지\u3164수', '지수'],
  ])('%s', (_label, input, expected) => {
    expect(foldText(input)).toBe(expected);
  });

  it.each([
    ['a mark', '\u0301', ''],
    ['a zero-width joiner', '\u200D', ''],
    ['a full-width letter', 'Ａ', 'a'],
    ['a ligature', 'ﬃ', 'ffi'],
    ['a sharp s', 'ß', 'ss'],
    ['a regional indicator', '🇿', 'z'],
    ['a Hangul filler', '\u3164', ''],
    ['a half-width Hangul filler', '\uFFA0', ''],
  ])('foldCodePoint folds %s', (_label, input, expected) => {
    expect(foldCodePoint(input)).toBe(expected);
  });
});
