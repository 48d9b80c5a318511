import { describe, expect, it } from 'vitest';
import { phraseTerm } from '../../../shared/anonymize/match-terms.ts';
import { buildTermPattern } from '../../../shared/anonymize/term-pattern.ts';

describe('buildTermPattern', () => {
  it('prefers the longest term and keeps boundaries', () => {
    const terms = [phraseTerm('ann'), phraseTerm('anna lee')].flatMap((term) =>
      term === undefined ? [] : [term],
    );
    const regex = new RegExp(buildTermPattern(terms) ?? 'x', 'gv');
    expect('anna lee, ann, annabel, anna'.match(regex)).toEqual(['anna lee', 'ann']);
  });

  it('returns undefined without terms', () => {
    expect(buildTermPattern([])).toBeUndefined();
  });
});
