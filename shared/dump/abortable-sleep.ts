import { PygboxError } from '../errors/pygbox-error.ts';

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Waits `ms`, or rejects with 'dump-cancelled' as soon as the signal aborts. */
export const abortableSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(dumpCancelled());
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(dumpCancelled());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export function dumpCancelled(): PygboxError {
  return new PygboxError('dump-cancelled', 'the dump was cancelled', {
    hint: 'Everything fetched so far is saved; start the same dump again to continue where it stopped.',
  });
}
