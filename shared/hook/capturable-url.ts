import { findCaiAdapter } from '../cai/route-capture.ts';

/**
 * The absolute URL of a request when an adapter knows its endpoint, else undefined. Only these
 * responses are read: everything else the page loads (scripts, images, analytics) is never
 * touched, so the hook costs nothing on it.
 */
export function capturableUrl(rawUrl: string, pageHref: string | undefined): string | undefined {
  let absolute: string;
  try {
    absolute = new URL(rawUrl, pageHref).href;
  } catch {
    return undefined;
  }
  return findCaiAdapter(absolute) === undefined ? undefined : absolute;
}
