import { openPygboxStore, type PygboxStore } from '../../shared/store/pygbox-store.ts';

let opening: Promise<PygboxStore> | undefined;

/**
 * The store, opened once per service-worker life. A failed open is forgotten so the next message
 * tries again (a full disk freed, a blocked upgrade finished) instead of failing forever.
 */
export function workerStore(): Promise<PygboxStore> {
  if (opening === undefined) {
    opening = openPygboxStore();
    opening.catch(() => {
      opening = undefined;
    });
  }
  return opening;
}
