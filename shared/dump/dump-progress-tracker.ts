import type { DumpProgress } from './dump-progress.ts';

export interface DumpProgressTracker {
  /** The counts so far (the live object; copy it to keep a snapshot). */
  readonly current: DumpProgress;
  /** Applies changes and tells the listener, with a copy it may keep. */
  report(changes: Partial<DumpProgress>): void;
}

export function createProgressTracker(
  onProgress: ((progress: DumpProgress) => void) | undefined,
): DumpProgressTracker {
  const current: DumpProgress = {
    phase: 'listing',
    chatsTotal: 0,
    chatsDone: 0,
    chatsFailed: 0,
    pages: 0,
    items: 0,
    retries: 0,
    resumed: false,
  };
  return {
    current,
    report(changes) {
      Object.assign(current, changes);
      if (current.phase !== 'waiting') delete current.waitMs;
      try {
        onProgress?.({ ...current });
      } catch {
        // A broken progress display must not stop the dump.
      }
    },
  };
}
