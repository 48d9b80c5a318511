import { describe, expect, it } from 'vitest';
import { identityTerms, phraseTerm, unsuffixedKeys } from '../../../shared/anonymize/match-terms.ts';

describe('match terms', () => {
  it.each([
    [{ kind: 'display-name', value: 'Zoë Marie Quill' }, ['zoemariequill', 'zoe', 'marie', 'quill']],
    [{ kind: 'username', value: 'zoe_star99' }, ['zoestar99', 'zoestar']],
    [{ kind: 'username', value: 'kitty99' }, ['kitty99']],
    [{ kind: 'author-name', value: 'ZoeStarlight' }, ['zoestarlight', 'zoe', 'starlight']],
    [{ kind: 'username', value: 'ZoeStarlight' }, ['zoestarlight']],
    [{ kind: 'display-name', value: "Sean O'Brien" }, ['seanobrien', 'obrien', 'sean', 'brien']],
    [{ kind: 'display-name', value: '山田 太郎' }, ['山田太郎', '山田', '太郎']],
    [{ kind: 'display-name', value: '王小明' }, ['王小明']],
    [{ kind: 'first-name', value: 'Jo Li' }, ['joli']],
    [{ kind: 'user-id', value: '48213377' }, ['48213377']],
    [{ kind: 'first-name', value: 'Z' }, []],
    [{ kind: 'display-name', value: '[REDACTED]' }, []],
  ] as const)('identityTerms(%o) keys', (identity, keys) => {
    expect(identityTerms(identity).map((term) => term.key)).toEqual(keys);
  });

  it('takes suffixes for the user only', () => {
    expect(identityTerms({ kind: 'first-name', value: 'Ann' })[0]?.suffixed).toBe(true);
    expect(phraseTerm('Nova')?.suffixed).toBe(false);
  });

  it.each([
    ['zoes', ['zoe']],
    ['kitty992', ['kitty99', 'kitty9', 'kitty']],
    ['99s', []],
    ['zoe', []],
    ['zoe٣', ['zoe']],
  ] as const)('unsuffixedKeys(%s)', (key, stems) => {
    expect(unsuffixedKeys(key)).toEqual(stems);
  });

  it('splits phrases on any separator run', () => {
    expect(phraseTerm('Zoe - Marie.Quill')?.chunks).toEqual(['zoe', 'marie', 'quill']);
  });

  it('splits phrases at apostrophes and at camel case', () => {
    expect(phraseTerm('O’Brien')?.chunks).toEqual(['o', 'brien']);
    expect(phraseTerm('ZoeStarlight')?.chunks).toEqual(['zoe', 'starlight']);
  });
});
