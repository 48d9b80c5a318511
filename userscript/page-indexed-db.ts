import { PygboxError } from '../shared/errors/pygbox-error.ts';

/**
 * The page origin's IndexedDB. Reading `window.indexedDB` itself throws where the browser blocks
 * site storage (SecurityError in some private modes, or with cookies blocked for the site).
 */
export function pageIndexedDB(page: Window): IDBFactory {
  try {
    return page.indexedDB;
  } catch (error) {
    throw new PygboxError(
      'store-failed',
      'IndexedDB is blocked on this page, so Pygbox cannot save anything',
      {
        hint: 'Allow cookies and site data for character.ai (and leave private browsing), then reload.',
        cause: error,
      },
    );
  }
}
