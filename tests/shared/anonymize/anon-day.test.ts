import { describe, expect, it } from 'vitest';
import { anonDay } from '../../../shared/anonymize/anon-day.ts';

describe('anonDay', () => {
  it.each([
    ['2024-03-09T23:59:58.123Z', '2024-03-09'],
    ['2024-03-09T23:59:58Z', '2024-03-09'],
    ['2024-03-09T23:30:00-02:00', '2024-03-10'],
    ['2024-02-30T00:00:00Z', undefined],
    ['not a time', undefined],
    [undefined, undefined],
  ])('anonDay(%s) is %s', (input, expected) => {
    expect(anonDay(input)).toBe(expected);
  });
});
