import type { CaptureRecord } from '../shared/capture/capture-record.ts';
import { PygboxError } from '../shared/errors/pygbox-error.ts';

export interface CaptureSink {
  /** Queues a record from the hook; never throws and never waits (the hook calls it). */
  add(record: CaptureRecord): void;
  /** Saves what is queued now; resolves when saved (or failed and reported). */
  flush(): Promise<void>;
}

export interface CaptureSinkOptions {
  save: (records: CaptureRecord[]) => Promise<unknown>;
  onSaved: () => void;
  onError: (error: PygboxError) => void;
  /** How long records gather before one save, so a burst of pages is one transaction. */
  delayMs?: number;
}

/** Tries per batch before it is given up, so a full disk does not retry forever. */
const MAX_TRIES = 3;

/**
 * Batches the hook's records into the store. The hook must not wait on the store, so records are
 * queued and saved a moment later, in order, one save at a time.
 */
export function createCaptureSink(options: CaptureSinkOptions): CaptureSink {
  const queue: CaptureRecord[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let saving: Promise<void> = Promise.resolve();

  const saveQueued = async (): Promise<void> => {
    const batch = queue.splice(0);
    if (batch.length === 0) return;
    for (let tries = 1; ; tries += 1) {
      try {
        await options.save(batch);
        options.onSaved();
        return;
      } catch (error) {
        if (tries < MAX_TRIES) continue;
        options.onError(
          error instanceof PygboxError
            ? error
            : new PygboxError(
                'store-failed',
                `${batch.length === 1 ? 'a captured response' : `${batch.length} captured responses`} could not be saved`,
                {
                  hint: 'Allow site data for character.ai and free some disk space; then reload the chat.',
                  cause: error,
                },
              ),
        );
        return;
      }
    }
  };

  const flush = (): Promise<void> => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    saving = saving.then(saveQueued);
    return saving;
  };

  return {
    add(record) {
      queue.push(record);
      if (timer === undefined) timer = setTimeout(() => void flush(), options.delayMs ?? 250);
    },
    flush,
  };
}
