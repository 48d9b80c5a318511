import { describe, expect, it } from 'vitest';
import { keepsIncoming, mergeConsent } from '../../../trainer-node/serve/keep-rule.ts';

describe('which copy of a chat is kept', () => {
  it.each([
    [5, 9, true],
    [9, 5, false],
    [7, 7, true],
  ])('held %i messages, incoming %i: keeps incoming %s', (held, incoming, expected) => {
    expect(keepsIncoming({ messages: held }, { messages: incoming })).toBe(expected);
  });

  it('publishes a chat only when every upload of it said public', () => {
    expect(mergeConsent('public', 'public')).toBe('public');
    expect(mergeConsent('public', 'private')).toBe('private');
    expect(mergeConsent('private', 'public')).toBe('private');
    expect(mergeConsent('private', 'private')).toBe('private');
  });
});
