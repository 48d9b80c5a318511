import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../trainer-node/serve/rate-limiter.ts';

describe('RateLimiter', () => {
  it('allows the burst, then one upload per 60/perMinute seconds, per client', () => {
    let now = 0;
    const limiter = new RateLimiter({ perMinute: 6, burst: 2 }, () => now);
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 10 });
    expect(limiter.take('b')).toEqual({ allowed: true });
    now = 4_000;
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 6 });
    now = 10_000;
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('a').allowed).toBe(false);
  });

  it('never refills past the burst', () => {
    let now = 0;
    const limiter = new RateLimiter({ perMinute: 60, burst: 3 }, () => now);
    now = 3_600_000;
    const allowed = Array.from({ length: 5 }, () => limiter.take('a').allowed);
    expect(allowed).toEqual([true, true, true, false, false]);
  });
});
