import type { CaptureRecord } from '../shared/capture/capture-record.ts';
import type { DumpHosts } from '../shared/dump/dump-api-urls.ts';
import type { DumpCursorStore } from '../shared/dump/dump-cursor-store.ts';
import type { DumpProgress } from '../shared/dump/dump-progress.ts';
import type { DumpRequest } from '../shared/dump/dump-request.ts';
import type { DumpScope } from '../shared/dump/dump-scope.ts';
import { runDump } from '../shared/dump/run-dump.ts';
import { PygboxError } from '../shared/errors/pygbox-error.ts';

export interface DumpRunnerOptions {
  request: DumpRequest;
  sink: (records: CaptureRecord[]) => Promise<unknown>;
  cursors: () => Promise<DumpCursorStore>;
  onProgress: (progress: DumpProgress) => void;
  /** Called when a dump ends: undefined when it finished or was cancelled, else the error. */
  onEnd: (error: unknown) => void;
}

export interface DumpRunner {
  /** Starts a dump unless one is running (one at a time: the site sees one request at a time). */
  start(scope: DumpScope, hosts: DumpHosts): boolean;
  cancel(): void;
  running(): boolean;
}

export function createDumpRunner(options: DumpRunnerOptions): DumpRunner {
  let controller: AbortController | undefined;
  return {
    start(scope, hosts) {
      if (controller !== undefined) return false;
      const current = new AbortController();
      controller = current;
      void (async () => {
        try {
          await runDump({
            scope,
            hosts,
            request: options.request,
            sink: options.sink,
            cursors: await options.cursors(),
            signal: current.signal,
            onProgress: options.onProgress,
          });
          controller = undefined;
          options.onEnd(undefined);
        } catch (error) {
          controller = undefined;
          options.onEnd(error instanceof PygboxError && error.code === 'dump-cancelled' ? undefined : error);
        }
      })();
      return true;
    },
    cancel() {
      controller?.abort();
    },
    running: () => controller !== undefined,
  };
}
