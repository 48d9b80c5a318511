import type { CaptureRecord } from '../../shared/capture/capture-record.ts';

export interface CaptureBatcherOptions {
  /** Delivers one batch; a rejection keeps the batch for the next try. */
  deliver: (records: CaptureRecord[]) => Promise<void>;
  /** Longest a record waits before its batch is sent. */
  delayMs?: number;
  /** A batch is sent at once when it holds this many records. */
  maxRecords?: number;
  /** Tries per batch before it is given up (the worker being updated, the extension reloaded). */
  maxAttempts?: number;
  onDropped?: (records: number, error: unknown) => void;
  setTimer?: (run: () => void, ms: number) => unknown;
}

/**
 * Collects capture records in the tab and sends them to the service worker in batches: a page that
 * loads twenty turn pages at once wakes the worker once, and one store transaction takes them all.
 * Batches are sent one at a time, in order.
 */
export function createCaptureBatcher(options: CaptureBatcherOptions) {
  const delayMs = options.delayMs ?? 250;
  const maxRecords = options.maxRecords ?? 50;
  const maxAttempts = options.maxAttempts ?? 3;
  const setTimer = options.setTimer ?? ((run, ms) => setTimeout(run, ms));
  let waiting: CaptureRecord[] = [];
  let scheduled = false;
  let sending: Promise<void> = Promise.resolve();

  const sendBatch = async (batch: CaptureRecord[]): Promise<void> => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await options.deliver(batch);
        return;
      } catch (error) {
        if (attempt >= maxAttempts) {
          options.onDropped?.(batch.length, error);
          return;
        }
        await new Promise<void>((resolve) => setTimer(resolve, delayMs * 2 ** attempt));
      }
    }
  };

  const flush = (): Promise<void> => {
    scheduled = false;
    if (waiting.length === 0) return sending;
    const batch = waiting;
    waiting = [];
    sending = sending.then(() => sendBatch(batch));
    return sending;
  };

  return {
    add(record: CaptureRecord): void {
      waiting.push(record);
      if (waiting.length >= maxRecords) {
        void flush();
        return;
      }
      if (!scheduled) {
        scheduled = true;
        setTimer(() => void flush(), delayMs);
      }
    },
    /** Sends what is waiting now and resolves when every batch so far was delivered or dropped. */
    flush,
  };
}
