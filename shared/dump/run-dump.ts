import type { CaptureRecord } from '../capture/capture-record.ts';
import { PygboxError } from '../errors/pygbox-error.ts';
import { abortableSleep, dumpCancelled, type Sleep } from './abortable-sleep.ts';
import { DEFAULT_DUMP_HOSTS, type DumpHosts } from './dump-api-urls.ts';
import { type BackoffPolicy, DEFAULT_BACKOFF } from './dump-backoff.ts';
import { dumpLegacyChat, dumpNeoChat } from './dump-chat-pages.ts';
import type { DumpContext } from './dump-context.ts';
import type { DumpCursorStore } from './dump-cursor-store.ts';
import type { DumpProgress } from './dump-progress.ts';
import { createProgressTracker } from './dump-progress-tracker.ts';
import type { DumpRequest } from './dump-request.ts';
import { type DumpScope, dumpScopeKey } from './dump-scope.ts';
import { fetchWithBackoff } from './fetch-with-backoff.ts';
import { listDumpChats } from './list-dump-chats.ts';

export interface RunDumpOptions {
  scope: DumpScope;
  request: DumpRequest;
  /** Receives every page as a capture record before the cursor moves past it (the store's addCaptures). */
  sink: (records: CaptureRecord[]) => Promise<unknown>;
  cursors: DumpCursorStore;
  signal?: AbortSignal;
  onProgress?: (progress: DumpProgress) => void;
  hosts?: DumpHosts;
  backoff?: Partial<BackoffPolicy>;
  /** Pause between two requests: one at a time, no faster than a person scrolling. */
  pauseMs?: number;
  sleep?: Sleep;
  random?: () => number;
  now?: () => Date;
}

export const DEFAULT_PAUSE_MS = 400;

/**
 * Pages through the chats of a scope with the user's own session, one request at a time, and hands
 * every page to the sink as a capture record, so the normal adapters build the chats. Every page is
 * kept, the last included. After each page the chat's cursor is saved; an interrupted or cancelled
 * dump started again with the same scope continues where it stopped, and the store's dedupe makes
 * a re-run add nothing twice. A chat that keeps failing is reported and skipped (the job stays, so
 * the next run retries only it, once); cancelling and store failures stop the dump. Resolves with the
 * final counts; rejects with PygboxError ('dump-cancelled' when cancelled).
 */
export async function runDump(options: RunDumpOptions): Promise<DumpProgress> {
  const { cursors, signal, scope } = options;
  const progress = createProgressTracker(options.onProgress);
  const context = createDumpContext(options, progress);
  const key = dumpScopeKey(scope);
  try {
    let job = await cursors.getJob(key);
    if (job === undefined) {
      job = { key, chats: await listDumpChats(context, scope), done: [] };
      await cursors.putJob(job);
    } else {
      progress.report({ resumed: true });
    }
    const done = new Set(job.done);
    progress.report({
      phase: 'dumping',
      chatsTotal: job.chats.length,
      chatsDone: job.chats.filter((chat) => done.has(chat.chatId)).length,
    });
    for (const chat of job.chats) {
      if (done.has(chat.chatId)) continue;
      if (signal?.aborted === true) throw dumpCancelled();
      try {
        await (chat.api === 'neo' ? dumpNeoChat(context, chat.chatId) : dumpLegacyChat(context, chat.chatId));
      } catch (error) {
        if (context.isFatal(error)) throw error;
        progress.report({
          phase: 'dumping',
          chatsFailed: progress.current.chatsFailed + 1,
          problem: problemOf(error),
        });
        continue;
      }
      done.add(chat.chatId);
      job.done.push(chat.chatId);
      await cursors.putJob(job);
      progress.report({ phase: 'dumping', chatsDone: progress.current.chatsDone + 1 });
    }
    // A job with failed chats stays for one more run, which retries only those. After that it goes
    // anyway: a chat that never loads (a deleted character) must not stop new chats being listed.
    if (progress.current.chatsFailed === 0 || progress.current.resumed) await cursors.deleteJob(key);
    progress.report({ phase: 'finished' });
    return { ...progress.current };
  } catch (error) {
    const cancelled = error instanceof PygboxError && error.code === 'dump-cancelled';
    progress.report({ phase: cancelled ? 'cancelled' : 'failed', problem: problemOf(error) });
    throw error;
  }
}

function createDumpContext(
  options: RunDumpOptions,
  progress: ReturnType<typeof createProgressTracker>,
): DumpContext {
  const sleep = options.sleep ?? abortableSleep;
  const { signal } = options;
  const fetchContext = {
    request: options.request,
    backoff: { ...DEFAULT_BACKOFF, ...options.backoff },
    sleep,
    random: options.random ?? Math.random,
    now: options.now ?? (() => new Date()),
    signal,
    onRetry: (waitMs: number, problem: string) =>
      progress.report({ phase: 'waiting', waitMs, problem, retries: progress.current.retries + 1 }),
  };
  // Errors that end the whole dump rather than one chat.
  const fatal = new WeakSet<object>();
  const isFatal = (error: unknown): boolean =>
    typeof error !== 'object' ||
    error === null ||
    fatal.has(error) ||
    (error instanceof PygboxError && error.code === 'dump-cancelled');
  let requests = 0;

  return {
    hosts: options.hosts ?? DEFAULT_DUMP_HOSTS,
    cursors: options.cursors,
    progress,
    isFatal,
    async fetchPage(url, init, phase) {
      if (requests > 0) await sleep(options.pauseMs ?? DEFAULT_PAUSE_MS, signal);
      requests += 1;
      const record = await fetchWithBackoff(fetchContext, url, init);
      try {
        await options.sink([record]);
      } catch (error) {
        const stop =
          error instanceof PygboxError
            ? error
            : new PygboxError('store-failed', 'a fetched page could not be saved', {
                hint: 'Free some disk space or allow site data for character.ai, then start the dump again.',
                cause: error,
              });
        fatal.add(stop);
        throw stop;
      }
      progress.report({ phase, pages: progress.current.pages + 1 });
      return record;
    },
    async bestEffort(work) {
      try {
        await work();
      } catch (error) {
        if (isFatal(error)) throw error;
        progress.report({ problem: problemOf(error) });
      }
    },
  };
}

function problemOf(error: unknown): string {
  return error instanceof PygboxError ? error.message : 'unexpected failure';
}
