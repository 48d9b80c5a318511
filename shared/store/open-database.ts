import { type IDBPDatabase, wrap } from 'idb';
import { PygboxError } from '../errors/pygbox-error.ts';
import { toStoreError } from './store-errors.ts';
import { type PygboxDB, STORE_VERSION, upgradeStore } from './store-schema.ts';

/**
 * `idb`'s openDB always uses the global `indexedDB`; this does the same on a given factory, so
 * tests (and any caller) can pass their own. The connection closes itself when another tab
 * upgrades the schema, instead of blocking that upgrade forever.
 */
export async function openDatabase(factory: IDBFactory, name: string): Promise<IDBPDatabase<PygboxDB>> {
  let request: IDBOpenDBRequest;
  try {
    request = factory.open(name, STORE_VERSION);
  } catch (error) {
    throw toStoreError(error, 'opening the local database');
  }
  // The casts only name the schema type, as idb's own openDB does; rows stay `unknown`.
  request.addEventListener('upgradeneeded', (event) => {
    upgradeStore(wrap(request.result) as IDBPDatabase<PygboxDB>, event.oldVersion);
  });
  let db: IDBPDatabase | undefined;
  try {
    db = await wrap(request);
  } catch (error) {
    if (errorName(error) === 'VersionError') {
      throw new PygboxError('store-failed', 'the local database was created by a newer Pygbox', {
        hint: 'Update Pygbox to the newest version; your data is kept.',
        place: { file: `IndexedDB ${name}` },
        cause: error,
      });
    }
    throw toStoreError(error, 'opening the local database');
  }
  if (db === undefined) {
    throw new PygboxError('store-failed', 'the local database did not open', {
      hint: 'Reload the page and try again.',
      place: { file: `IndexedDB ${name}` },
    });
  }
  const typed = db as unknown as IDBPDatabase<PygboxDB>;
  typed.addEventListener('versionchange', () => typed.close());
  return typed;
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error || error instanceof DOMException ? error.name : undefined;
}
