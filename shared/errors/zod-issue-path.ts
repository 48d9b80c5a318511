/**
 * A zod issue path as a field path like `messages[3].text`. Only field names and indices appear,
 * never values, so it is safe in error messages about user data.
 */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}
