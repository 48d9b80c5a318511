import browser from 'webextension-polyfill';
import { type DumpCursorStore, openDumpCursorStore } from '../../shared/dump/dump-cursor-store.ts';
import type { DumpScope } from '../../shared/dump/dump-scope.ts';
import { runDump } from '../../shared/dump/run-dump.ts';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import {
  DUMP_STATUS_KEY,
  type DumpStatus,
  dumpStatusSchema,
  IDLE_DUMP_STATUS,
} from '../messages/dump-status.ts';
import { toWireError } from '../messages/message-error.ts';
import { createTabDumpRequest, signedInTab } from './tab-dump-request.ts';
import { workerStore } from './worker-store.ts';

/**
 * The one active dump of the extension, owned by the service worker.
 *
 * Chrome stops a service worker when it is idle and may stop it at any time, taking the running
 * dump with it. Two things make that lose nothing: the shared dumper saves each chat's cursor only
 * after the page it fetched is in the store, and this controller saves the job's status (scope,
 * state 'running') in `storage.local` after every step. Whatever wakes the worker next (the popup,
 * a capture from a tab, the tab's wake-up when dump requests stop) finds a job still marked
 * running with nothing running it, and resumes it where the cursors say.
 */
export interface DumpController {
  start(scope: DumpScope): Promise<DumpStatus>;
  cancel(): Promise<DumpStatus>;
  /** Resumes a job the last worker left running; answers the status either way. */
  resumeInterrupted(): Promise<DumpStatus>;
}

export function createDumpController(): DumpController {
  let running: { controller: AbortController; done: Promise<void> } | undefined;
  // One check at a time: the worker's start-up and a message arriving with it must not both resume.
  let resumeCheck: Promise<DumpStatus> | undefined;
  // Status writes are chained so a late progress write never lands after the final one.
  let writing: Promise<void> = Promise.resolve();

  const readStatus = async (): Promise<DumpStatus> => {
    const stored: Record<string, unknown> = await browser.storage.local.get(DUMP_STATUS_KEY);
    const parsed = dumpStatusSchema.safeParse(stored[DUMP_STATUS_KEY]);
    return parsed.success ? parsed.data : { ...IDLE_DUMP_STATUS };
  };
  const writeStatus = (status: DumpStatus): Promise<void> => {
    writing = writing.then(
      () => browser.storage.local.set({ [DUMP_STATUS_KEY]: status }),
      () => browser.storage.local.set({ [DUMP_STATUS_KEY]: status }),
    );
    return writing;
  };

  const launch = (scope: DumpScope, restarts: number): Promise<DumpStatus> => {
    const controller = new AbortController();
    const base = (): Omit<DumpStatus, 'state'> => ({ scope, restarts, updatedAt: new Date().toISOString() });
    const first: DumpStatus = { state: 'running', ...base() };
    const done = (async () => {
      let cursors: DumpCursorStore | undefined;
      try {
        await writeStatus(first);
        cursors = await openDumpCursorStore();
        // Fails at once, with what to do, when no character.ai tab can serve the requests.
        await signedInTab();
        const store = await workerStore();
        const progress = await runDump({
          scope,
          request: createTabDumpRequest(),
          sink: (records) => store.addCaptures(records),
          cursors,
          signal: controller.signal,
          onProgress: (update) => {
            if (!controller.signal.aborted)
              void writeStatus({ state: 'running', progress: update, ...base() });
          },
        });
        await writeStatus({ state: 'finished', progress, ...base() });
      } catch (error) {
        const cancelled = error instanceof PygboxError && error.code === 'dump-cancelled';
        // The job ends marked, never left 'running' with nothing running it; if even this write
        // fails, the next wake-up finds it running and resumes it, which is the safe side.
        await readStatus()
          .then((last) =>
            writeStatus({
              ...(last.progress === undefined ? {} : { progress: last.progress }),
              ...base(),
              state: cancelled ? 'cancelled' : 'failed',
              ...(cancelled ? {} : { error: toWireError(error) }),
            }),
          )
          .catch((writeError: unknown) =>
            console.warn('[pygbox] could not save the dump status', writeError),
          );
      } finally {
        cursors?.close();
        running = undefined;
      }
    })();
    running = { controller, done };
    return Promise.resolve(first);
  };

  return {
    async start(scope) {
      await resumeCheck;
      if (running !== undefined) {
        throw new PygboxError('usage', 'a dump is already running', {
          hint: 'Wait for it to finish, or cancel it first.',
        });
      }
      return launch(scope, 0);
    },

    async cancel() {
      const current = running;
      if (current !== undefined) {
        current.controller.abort();
        await current.done;
        return readStatus();
      }
      // A job marked running that no worker runs (stopped before it could resume): just end it.
      const last = await readStatus();
      if (last.state !== 'running') return last;
      const cancelled: DumpStatus = { ...last, state: 'cancelled', updatedAt: new Date().toISOString() };
      await writeStatus(cancelled);
      return cancelled;
    },

    resumeInterrupted() {
      resumeCheck ??= (async () => {
        try {
          await writing;
          const last = await readStatus();
          if (running !== undefined || last.state !== 'running' || last.scope === undefined) return last;
          return launch(last.scope, last.restarts + 1);
        } finally {
          resumeCheck = undefined;
        }
      })();
      return resumeCheck;
    },
  };
}
