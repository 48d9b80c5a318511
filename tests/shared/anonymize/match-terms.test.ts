import { describe, expect, it } from 'vitest';
import { identityTerms, phraseTerm } from '../../../shared/anonymize/match-terms.ts';

describe('match terms', () => {
  it.each([
    [{ kind: 'display-name', value: 'Zoë Marie Quill' }, ['zoemariequill', 'zoe', 'marie', 'quill']],
    [{ kind: 'username', value: 'zoe_star99' }, ['zoestar99']],
    [{ kind: 'first-name', value: 'Jo Li' }, ['joli']],
    [{ kind: 'user-id', value: '48213377' }, ['48213377']],
    [{ kind: 'first-name', value: 'Z' }, []],
    [{ kind: 'display-name', value: '[REDACTED]' }, []],
  ] as const)('identityTerms(%o) keys', (identity, keys) => {
    expect(identityTerms(identity).map((term) => term.key)).toEqual(keys);
  });

  it('splits phrases on any separator run', () => {
    expect(phraseTerm('Zoe - Marie.Quill')?.chunks).toEqual(['zoe', 'marie', 'quill']);
  });
});
