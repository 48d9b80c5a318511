import type { IDBPDatabase, IDBPTransaction } from 'idb';
import { toStoreError } from './store-errors.ts';
import type { PygboxDB, PygboxStoreName } from './store-schema.ts';

export type StoreTransaction<Mode extends IDBTransactionMode> = IDBPTransaction<
  PygboxDB,
  PygboxStoreName[],
  Mode
>;

/**
 * Runs `work` in one transaction and waits for it to commit. If anything fails (a request error,
 * a quota error, an exception in `work`, a damaged row) the transaction is aborted, so none of its
 * writes land: the store keeps exactly what it had before. An exception thrown in `work` does not
 * abort an IndexedDB transaction by itself (it would commit what was already written), hence
 * the explicit abort. `work` may await only requests of this transaction, or it auto-commits.
 */
export async function runTransaction<T, Mode extends IDBTransactionMode>(
  db: IDBPDatabase<PygboxDB>,
  stores: PygboxStoreName[],
  mode: Mode,
  operation: string,
  work: (tx: StoreTransaction<Mode>) => Promise<T>,
): Promise<T> {
  let tx: StoreTransaction<Mode>;
  try {
    tx = db.transaction(stores, mode);
  } catch (error) {
    throw toStoreError(error, operation);
  }
  const done = tx.done;
  // Handled here so an abort while `work` still runs is not an unhandled rejection.
  done.catch(() => undefined);
  try {
    const result = await work(tx);
    await done;
    return result;
  } catch (error) {
    try {
      tx.abort();
    } catch {
      // Already finished or aborted: nothing left to undo.
    }
    await done.catch(() => undefined);
    throw toStoreError(error, operation, tx.error);
  }
}
