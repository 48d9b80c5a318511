/**
 * Waiting before a retry: exponential from `baseMs`, capped at `maxMs`, with "equal jitter" (half
 * fixed, half random) so several tabs that were limited together do not come back together, while
 * never waiting less than half the step.
 */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  /** Tries per request, the first included, before the request is given up. */
  maxAttempts: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 2_000, maxMs: 60_000, maxAttempts: 6 };

/** The wait after failed try number `attempt` (0 for the first failure). */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt));
  return Math.round(step / 2 + (step / 2) * Math.min(1, Math.max(0, random())));
}
