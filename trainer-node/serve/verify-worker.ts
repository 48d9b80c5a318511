import { parentPort, workerData } from 'node:worker_threads';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import { verifiedCopies } from './verified-copies.ts';
import {
  type VerifyFailure,
  type VerifyTask,
  verifyTaskSchema,
  verifyWorkerDataSchema,
} from './verify-protocol.ts';

/**
 * A verification thread: checks uploads (zip, keys, audit) off the server's event loop, so uploads
 * are checked on as many cores as the pool has threads while the loop keeps answering.
 */
const options = verifyWorkerDataSchema.parse(workerData);
const port = parentPort;
if (port === null) throw new Error('verify-worker.ts runs as a worker thread');

port.on('message', (message: unknown) => {
  const task = verifyTaskSchema.safeParse(message);
  if (task.success) void run(task.data);
  else port.postMessage({ id: -1, failure: { kind: 'internal', message: 'malformed task' } });
});

async function run(task: VerifyTask): Promise<void> {
  try {
    const result = await verifiedCopies(new Uint8Array(task.zip), options);
    const buffers = [result.jsons.buffer, result.prefixChains.buffer].filter(
      (buffer): buffer is ArrayBuffer => buffer instanceof ArrayBuffer,
    );
    port?.postMessage({ id: task.id, result }, buffers);
  } catch (error) {
    port?.postMessage({ id: task.id, failure: failureOf(error) });
  }
}

function failureOf(error: unknown): VerifyFailure {
  if (error instanceof PygboxError && (error.code === 'zip-invalid' || error.code === 'audit-failed')) {
    return {
      kind: 'refused',
      code: error.code,
      message: error.message,
      hint: error.hint,
      place: error.place,
    };
  }
  return { kind: 'internal', message: error instanceof Error ? error.message : String(error) };
}
