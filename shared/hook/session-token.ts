/**
 * The `Authorization: Token …` value the page sends to Character.AI, in memory only. The hook
 * offers it to its owner so the dumper can ask the API the way the page does; it is never written
 * into a capture record, a log or any storage, and dies with the page.
 */
const TOKEN_HEADER = /^Token\s+\S+$/;

/** The header value when it has the site's token form, else undefined. */
export function sessionAuthorization(value: string | null | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return TOKEN_HEADER.test(trimmed) ? trimmed : undefined;
}
