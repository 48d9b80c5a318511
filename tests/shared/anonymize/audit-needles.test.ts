import { describe, expect, it } from 'vitest';
import { auditNeedles } from '../../../shared/anonymize/audit-needles.ts';
import { isReservedToken } from '../../../shared/anonymize/reserved-tokens.ts';

describe('reserved tokens and audit needles', () => {
  it.each([
    ['{{user}}', true],
    ['[redacted]', true],
    [' [USERNAME_REDACTED] ', true],
    ['<USER>', true],
    ['Zoe', false],
  ])('isReservedToken(%s) is %s', (value, expected) => {
    expect(isReservedToken(value)).toBe(expected);
  });

  it('builds separator variants and name parts, and never reserved tokens', () => {
    const needles = auditNeedles(
      [
        { kind: 'username', value: 'Zoe_Star' },
        { kind: 'display-name', value: 'Ann Lee-Marsh' },
        { kind: 'username', value: '[USERNAME_REDACTED]' },
      ],
      ['Maple St'],
    );
    expect(needles.map((needle) => needle.text)).toEqual([
      'zoe star',
      'zoe_star',
      'zoe-star',
      'zoe.star',
      'zoestar',
      'ann lee marsh',
      'ann_lee_marsh',
      'ann-lee-marsh',
      'ann.lee.marsh',
      'annleemarsh',
      // as written, and the word with parts of its own (`LeeMarsh` alone)
      'ann lee-marsh',
      'lee marsh',
      'lee_marsh',
      'lee-marsh',
      'lee.marsh',
      'leemarsh',
      'ann',
      'lee',
      'marsh',
      'maple st',
      'maple_st',
      'maple-st',
      'maple.st',
      'maplest',
    ]);
    expect(needles.find((needle) => needle.text === 'maplest')?.kind).toBe('redaction');
  });

  it('lets identity needles with a right-hand boundary take suffixes, redactions none', () => {
    const needles = auditNeedles(
      [
        { kind: 'first-name', value: 'Ann' },
        { kind: 'user-id', value: '4821' },
        { kind: 'display-name', value: '山田' },
      ],
      ['Maple'],
    );
    const suffixes = (text: string) => {
      const needle = needles.find((candidate) => candidate.text === text);
      return [needle?.takesDigits, needle?.takesPluralS];
    };
    expect(suffixes('ann')).toEqual([true, true]);
    expect(suffixes('4821')).toEqual([true, false]);
    expect(suffixes('山田')).toEqual([false, false]);
    expect(suffixes('maple')).toEqual([false, false]);
  });
});
