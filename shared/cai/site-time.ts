/**
 * Milliseconds since the epoch of a site timestamp, or undefined when there is none or it does not
 * parse. Neo sends microseconds (`…:00.123456Z`); `Date.parse` keeps the milliseconds, which is
 * fine for ordering because ties fall back to page order.
 */
export function siteTimeMs(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
