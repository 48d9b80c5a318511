/**
 * How long a `Retry-After` header asks to wait: delay-seconds or an HTTP date (RFC 9110 §10.2.3).
 * The dumper waits at least this long before asking again, so a rate limit the server spells out
 * is respected instead of guessed at; anything unreadable is ignored and plain backoff applies.
 */
export function retryAfterMs(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP date names its weekday and month; engines also "parse" bare numbers like '-5' as years.
  if (!/^[A-Za-z]{3},? /.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now.getTime());
}

/**
 * The longest server-asked wait the dumper sits through (10 minutes). A longer one is waited to
 * this bound and then asked again; the page keeps the tab's own rhythm and the user can cancel.
 */
export const RETRY_AFTER_MAX_MS = 10 * 60_000;
