/**
 * The endpoint a problem names: the URL path only, each segment kept only when it is a word of the
 * site's API. Query strings can hold tokens and ids; path segments can hold chat and character ids
 * or a username (`/profile/zoe_starlight/`), and problems end up in logs and bug reports.
 */
export function captureEndpoint(url: string): string {
  const parsed = parseCaptureUrl(url);
  const path = parsed === undefined ? (url.split(/[?#]/, 1)[0] ?? '') : parsed.pathname;
  if (path === '') return '(no url)';
  return path
    .split('/')
    .map((segment) => (segment === '' || API_WORDS.has(segment.toLowerCase()) ? segment : '{id}'))
    .join('/');
}

/** Path words of the endpoints the site has served (legacy, neo) and a few it may serve. */
const API_WORDS: ReadonlySet<string> = new Set([
  'api',
  'archive',
  'character',
  'characters',
  'chat',
  'chat2',
  'chats',
  'continue',
  'create',
  'get_character_info',
  'get_character_infos',
  'histories',
  'histories_v2',
  'history',
  'info',
  'info-cached',
  'memory',
  'msgs',
  'murooms',
  'personas',
  'profile',
  'recent',
  'search',
  'trpc',
  'turns',
  'unarchive',
  'user',
  'users',
  'v1',
  'voices',
  'ws',
]);

/** The record URL as a URL object, or undefined when it does not parse (never throws). */
export function parseCaptureUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}
