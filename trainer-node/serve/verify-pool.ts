import { Worker } from 'node:worker_threads';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import type { VerifiedCopies } from './verified-copies.ts';
import { verifiedCopies } from './verified-copies.ts';
import { verifyAnswerSchema } from './verify-protocol.ts';
import type { VerifyOptions } from './verify-upload.ts';

/** Checks an upload and returns its chats ready to store; throws PygboxError when refused. */
export type VerifyUpload = (bytes: Uint8Array) => Promise<VerifiedCopies>;

/** Checks uploads on the event loop itself (`threads: 0`), for tests and one-core machines. */
export function verifyInline(options: VerifyOptions): VerifyUpload {
  return (bytes) => verifiedCopies(bytes, options);
}

interface Pending {
  id: number;
  zip: ArrayBuffer;
  resolve: (copies: VerifiedCopies) => void;
  reject: (error: unknown) => void;
}

interface Thread {
  worker: Worker;
  busy: Pending | undefined;
}

/**
 * Checking a 1 MB upload (inflate, checksums, schema, audit) takes a core for about 0.1 s, and on
 * the event loop it would hold every other request up: a pool of threads does it, as many at once
 * as it has threads, the rest waiting in order. A thread that dies fails its upload (500) and is
 * replaced.
 */
export class VerifyPool {
  private readonly threads: Thread[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 0;
  private closed = false;

  constructor(
    size: number,
    private readonly options: VerifyOptions,
  ) {
    for (let index = 0; index < size; index += 1) this.threads.push(this.spawn());
  }

  verify: VerifyUpload = (bytes) => {
    if (this.closed) return Promise.reject(new Error('the verification pool is closed'));
    // A fresh buffer to transfer: the body's may be a slice of a pool other buffers share.
    const zip = new Uint8Array(bytes).buffer;
    return new Promise<VerifiedCopies>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, zip, resolve, reject });
      this.dispatch();
    });
  };

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) pending.reject(new Error('the server is stopping'));
    await Promise.all(this.threads.map((thread) => thread.worker.terminate()));
  }

  private spawn(): Thread {
    const worker = new Worker(new URL('./verify-worker-entry.js', import.meta.url), {
      workerData: { blocklist: [...this.options.blocklist], zipLimits: this.options.zipLimits },
    });
    const thread: Thread = { worker, busy: undefined };
    worker.on('message', (message: unknown) => this.answer(thread, message));
    worker.on('error', (error) => this.lose(thread, error));
    worker.on('exit', (code) => this.lose(thread, new Error(`verification thread exited with ${code}`)));
    // An idle pool must not keep a stopping process alive.
    worker.unref();
    return thread;
  }

  private dispatch(): void {
    for (const thread of this.threads) {
      if (thread.busy !== undefined) continue;
      const next = this.queue.shift();
      if (next === undefined) return;
      thread.busy = next;
      thread.worker.ref();
      thread.worker.postMessage({ id: next.id, zip: next.zip }, [next.zip]);
    }
  }

  private answer(thread: Thread, message: unknown): void {
    const pending = thread.busy;
    thread.busy = undefined;
    thread.worker.unref();
    const parsed = verifyAnswerSchema.safeParse(message);
    if (pending !== undefined) {
      if (!parsed.success || parsed.data.id !== pending.id) {
        pending.reject(new Error('a verification thread answered out of turn'));
      } else if ('result' in parsed.data) {
        pending.resolve(parsed.data.result);
      } else if (parsed.data.failure.kind === 'refused') {
        const { code, message: text, hint, place } = parsed.data.failure;
        pending.reject(new PygboxError(code, text, { place, ...(hint === undefined ? {} : { hint }) }));
      } else {
        pending.reject(new Error(`verification failed: ${parsed.data.failure.message}`));
      }
    }
    this.dispatch();
  }

  private lose(thread: Thread, error: unknown): void {
    const index = this.threads.indexOf(thread);
    if (index === -1) return;
    thread.busy?.reject(error);
    thread.busy = undefined;
    if (this.closed) return;
    void thread.worker.terminate();
    this.threads[index] = this.spawn();
    this.dispatch();
  }
}
