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
});
