import { describe, expect, it } from 'vitest';
import { foldedView } from '../../../shared/anonymize/folded-view.ts';

describe('foldedView', () => {
  it.each([
    ['ASCII', 'Hi Ann!', 'hi ann!'],
    ['full-width', 'Hi Ａｎｎ!', 'hi ann!'],
    ['marks', 'Hi Ann\u0301\u0308!', 'hi ann!'],
    ['astral letters', 'Hi 𝐀𝐧𝐧!', 'hi ann!'],
    ['a ligature', 'Hi ﬃ!', 'hi ffi!'],
  ])('folds %s and maps spans back to the original', (_label, input, folded) => {
    const view = foldedView(input);
    expect(view.folded).toBe(folded);
    // The span of the name in the folded text covers the name in the original, marks included.
    const start = folded.indexOf(folded.includes('ffi') ? 'ffi' : 'ann');
    const end = start + 3;
    expect(input.slice(view.sourceStart(start), view.sourceEnd(end))).not.toMatch(/^\s|!$/);
    expect(input.slice(0, view.sourceStart(start))).toBe('Hi ');
    expect(input.slice(view.sourceEnd(end))).toBe('!');
  });

  it('maps spans around a letter that folds to two (ß) and astral letters back', () => {
    const text = 'Frau Straße und 🇿🇴🇪!';
    const view = foldedView(text);
    expect(view.folded).toBe('frau strasse und zoe!');
    const strasse = view.folded.indexOf('strasse');
    expect(text.slice(view.sourceStart(strasse), view.sourceEnd(strasse + 7))).toBe('Straße');
    const zoe = view.folded.indexOf('zoe');
    expect(text.slice(view.sourceStart(zoe), view.sourceEnd(zoe + 3))).toBe('🇿🇴🇪');
  });

  it('maps a span ending inside a ligature to the whole ligature', () => {
    const view = foldedView('xﬁy');
    expect(view.folded).toBe('xfiy');
    expect(view.sourceEnd(2)).toBe(2);
    expect(view.sourceStart(2)).toBe(1);
  });
});
