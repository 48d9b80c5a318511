import { describe, expect, it } from 'vitest';
import { retryAfterMs } from '../../../shared/dump/retry-after.ts';

const NOW = new Date('2026-02-01T00:00:00.000Z');

describe('retryAfterMs', () => {
  it('reads delay-seconds and HTTP dates, past dates as no wait', () => {
    expect(retryAfterMs(' 12 ', NOW)).toBe(12_000);
    expect(retryAfterMs('Sun, 01 Feb 2026 00:01:30 GMT', NOW)).toBe(90_000);
    expect(retryAfterMs('Sat, 31 Jan 2026 23:00:00 GMT', NOW)).toBe(0);
  });

  it('ignores what it cannot read', () => {
    expect(retryAfterMs(undefined, NOW)).toBeUndefined();
    expect(retryAfterMs('soon', NOW)).toBeUndefined();
    expect(retryAfterMs('-5', NOW)).toBeUndefined();
  });
});
