import { describe, expect, it } from 'vitest';
import { identityOf, uniqueIdentities } from '../../../shared/chat/identities.ts';

describe('identityOf', () => {
  it.each([
    ['a name, trimmed', '  Zoë ', [{ kind: 'author-name', value: 'Zoë' }]],
    ['a numeric id, as a string', 4242, [{ kind: 'author-name', value: '4242' }]],
    ['nothing for an empty value', '   ', []],
    ['nothing for null', null, []],
    ['nothing for the old dumper’s token', '[USERNAME_REDACTED]', []],
    ['nothing for CAI Tools’ token', '[Your_Nickname]', []],
  ])('gives %s', (_name, value, expected) => {
    expect(identityOf('author-name', value)).toEqual(expected);
  });
});

describe('uniqueIdentities', () => {
  it('keeps the first of each kind and value, in order', () => {
    expect(
      uniqueIdentities([
        { kind: 'username', value: 'zoe' },
        { kind: 'author-name', value: 'zoe' },
        { kind: 'username', value: 'zoe' },
      ]),
    ).toEqual([
      { kind: 'username', value: 'zoe' },
      { kind: 'author-name', value: 'zoe' },
    ]);
  });
});
