/**
 * Uploads per client, as a token bucket per client address: `burst` uploads at once, then one
 * every `60 / perMinute` seconds. Counted when a request arrives, before its body is read, so a
 * client refused for its rate costs the server nothing. In memory: a restart forgives everyone.
 */
export interface RateLimit {
  perMinute: number;
  burst: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedMs: number;
}

/** Buckets that have refilled are dropped past this many clients, so memory stays bounded. */
const PRUNE_ABOVE = 10_000;

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly limit: RateLimit;
  private readonly now: () => number;

  constructor(limit: RateLimit, now: () => number = Date.now) {
    this.limit = limit;
    this.now = now;
  }

  take(client: string): RateDecision {
    const now = this.now();
    const perMs = this.limit.perMinute / 60_000;
    const bucket = this.buckets.get(client) ?? { tokens: this.limit.burst, updatedMs: now };
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + (now - bucket.updatedMs) * perMs);
    bucket.updatedMs = now;
    if (this.buckets.size >= PRUNE_ABOVE && !this.buckets.has(client)) this.prune(now, perMs);
    this.buckets.set(client, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000)) };
  }

  private prune(now: number, perMs: number): void {
    for (const [client, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.updatedMs) * perMs >= this.limit.burst) this.buckets.delete(client);
    }
  }
}
