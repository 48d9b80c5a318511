/**
 * The endpoint a problem names: the URL path only, with id segments masked. Query strings are
 * dropped because they can hold tokens (`next_token`) and ids; chat and character ids in the path
 * are linkable to the user, and problems end up in logs and bug reports.
 */
export function captureEndpoint(url: string): string {
  const parsed = parseCaptureUrl(url);
  const path = parsed === undefined ? (url.split(/[?#]/, 1)[0] ?? '') : parsed.pathname;
  return path === '' ? '(no url)' : maskIdSegments(path);
}

/** `/turns/3f2a-…/` → `/turns/{id}/`; API versions like `v1` stay. */
function maskIdSegments(path: string): string {
  return path
    .split('/')
    .map((segment) => (/\d/.test(segment) && !/^v\d+$/.test(segment) ? '{id}' : segment))
    .join('/');
}

/** The record URL as a URL object, or undefined when it does not parse (never throws). */
export function parseCaptureUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}
