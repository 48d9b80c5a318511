import { describe, expect, it } from 'vitest';
import { identityTerms, phraseTerm } from '../../../shared/anonymize/match-terms.ts';
import { buildTermPattern } from '../../../shared/anonymize/term-pattern.ts';

describe('buildTermPattern', () => {
  it('prefers the longest term and keeps boundaries', () => {
    const terms = [phraseTerm('ann'), phraseTerm('anna lee')].flatMap((term) =>
      term === undefined ? [] : [term],
    );
    const regex = new RegExp(buildTermPattern(terms) ?? 'x', 'gv');
    expect('anna lee, ann, annabel, anna'.match(regex)).toEqual(['anna lee', 'ann']);
  });

  it("lets the user's terms take a plural s or digits, and other terms none", () => {
    const user = identityTerms({ kind: 'first-name', value: 'Ann' });
    const character = phraseTerm('Nova');
    const terms = character === undefined ? user : [...user, character];
    const regex = new RegExp(buildTermPattern(terms) ?? 'x', 'gv');
    expect('anns ann2 annie anns2 nova novas nova2'.match(regex)).toEqual(['anns', 'ann2', 'nova']);
  });

  it('gives a trace that ends with a digit digits but no plural s', () => {
    const regex = new RegExp(
      buildTermPattern(identityTerms({ kind: 'user-id', value: '4821' })) ?? 'x',
      'gv',
    );
    expect('48215 4821s'.match(regex)).toEqual(['48215']);
  });

  it('returns undefined without terms', () => {
    expect(buildTermPattern([])).toBeUndefined();
  });
});
