import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../shared/dump/dump-backoff.ts';

const policy = { baseMs: 1_000, maxMs: 10_000, maxAttempts: 6 };

describe('backoffDelay', () => {
  it('doubles each try, with half of each step random', () => {
    expect([0, 1, 2, 3].map((attempt) => backoffDelay(attempt, policy, () => 0))).toEqual([
      500, 1_000, 2_000, 4_000,
    ]);
    expect([0, 1, 2, 3].map((attempt) => backoffDelay(attempt, policy, () => 1))).toEqual([
      1_000, 2_000, 4_000, 8_000,
    ]);
  });

  it('never waits past the cap, whatever the random source says', () => {
    expect(backoffDelay(20, policy, () => 1)).toBe(10_000);
    expect(backoffDelay(20, policy, () => 7)).toBe(10_000);
    expect(backoffDelay(20, policy, () => -3)).toBe(5_000);
  });
});
