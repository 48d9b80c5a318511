import type { CaptureRecord } from '../capture/capture-record.ts';
import type { DumpHosts } from './dump-api-urls.ts';
import type { DumpCursorStore } from './dump-cursor-store.ts';
import type { DumpProgressTracker } from './dump-progress-tracker.ts';
import type { DumpRequestInit } from './dump-request.ts';

/** What the listing and the chat pagers share while one dump runs. */
export interface DumpContext {
  hosts: DumpHosts;
  cursors: DumpCursorStore;
  progress: DumpProgressTracker;
  /** One page: paused after the previous, retried with backoff, handed to the sink, counted. */
  fetchPage(
    url: string,
    init: Omit<DumpRequestInit, 'signal'>,
    phase: 'listing' | 'dumping',
  ): Promise<CaptureRecord>;
  /** Runs work whose failure is noted but does not fail the dump (context pages such as character info). */
  bestEffort(work: () => Promise<unknown>): Promise<void>;
  /** Whether an error ends the whole dump (cancel, store failure) rather than one chat. */
  isFatal(error: unknown): boolean;
}
