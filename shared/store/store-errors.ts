import { PygboxError } from '../errors/pygbox-error.ts';

/**
 * Turns whatever IndexedDB threw into a PygboxError. Quota problems get their own code because
 * the user can fix them; anything else is 'store-failed'. Both say the earlier data is intact,
 * which holds because every write runs in one transaction that aborts as a whole.
 */
export function toStoreError(
  error: unknown,
  operation: string,
  transactionError?: DOMException | null,
): PygboxError {
  if (error instanceof PygboxError) return error;
  const names = [errorName(error), transactionError?.name];
  if (names.includes('QuotaExceededError')) {
    return new PygboxError('store-quota', `the browser's storage is full; ${operation} was not saved`, {
      hint: 'Free disk space, or export your chats and clear old captures, then try again. Data saved before is intact.',
      place: { file: 'IndexedDB' },
      cause: error,
    });
  }
  return new PygboxError(
    'store-failed',
    `${operation} failed in the local database (${names[0] ?? 'unknown error'})`,
    {
      hint: 'Nothing from this step was saved and earlier data is intact; reload the page and try again.',
      place: { file: 'IndexedDB' },
      cause: error,
    },
  );
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error || error instanceof DOMException ? error.name : undefined;
}

/**
 * A stored row that no longer matches its schema: named by store and key, never dropped silently.
 * `keyLabel` is chosen by the caller so that keys which are user content (identity values) are
 * not printed.
 */
export function corruptRow(store: string, keyLabel: string, field: string): PygboxError {
  return new PygboxError(
    'store-failed',
    `stored ${store} row ${keyLabel} is damaged${field === '' ? '' : ` at ${field}`}`,
    {
      hint: 'Delete this entry (or re-parse the captures) and capture it again; other entries are unaffected.',
      place: { file: `IndexedDB ${store}`, field: field === '' ? keyLabel : `${keyLabel}.${field}` },
    },
  );
}
