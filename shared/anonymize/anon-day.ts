const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** `2024-03-09T23:59:58.123Z`: an ISO time already in UTC, whose first ten characters are the day. */
const UTC_ISO_TIME = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z$/;
const MAX_CACHED_DAYS = 10_000;
const validDays = new Map<string, boolean>();

/**
 * A time coarsened to its UTC day (`YYYY-MM-DD`): finer times can link a chat to an account's
 * activity. Undefined when there is no time or it cannot be read (never a guess).
 */
export function anonDay(isoTime: string | undefined): string | undefined {
  if (isoTime === undefined) return undefined;
  // Fast path for the site's own format: every message has a time, and a chat's days repeat.
  const utcDay = UTC_ISO_TIME.exec(isoTime)?.[1];
  if (utcDay !== undefined) return isRealDay(utcDay) ? utcDay : undefined;
  const ms = Date.parse(isoTime);
  if (Number.isNaN(ms)) return undefined;
  const day = new Date(ms).toISOString().slice(0, 10);
  return DAY.test(day) ? day : undefined;
}

/** `2024-02-30` has the shape of a day but is none. */
function isRealDay(day: string): boolean {
  let valid = validDays.get(day);
  if (valid === undefined) {
    const ms = Date.parse(`${day}T00:00:00Z`);
    valid = !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(day);
    if (validDays.size >= MAX_CACHED_DAYS) validDays.clear();
    validDays.set(day, valid);
  }
  return valid;
}
