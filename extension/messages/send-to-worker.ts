import type { z } from 'zod';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import { fromWireError } from './message-error.ts';
import { parseMessage } from './parse-message.ts';
import {
  replyEnvelopeSchema,
  type WorkerReply,
  type WorkerRequest,
  type WorkerRequestType,
  workerReplySchemas,
} from './worker-protocol.ts';

/** `runtime.sendMessage`, or anything that delivers a message and resolves with the reply. */
export type SendMessage = (message: unknown) => Promise<unknown>;

/**
 * Sends one request to the service worker and returns its typed reply, or throws the worker's
 * PygboxError again here. A worker that is not running is started by the message itself; one that
 * cannot answer (being updated, crashed) becomes 'message-invalid' with a hint.
 */
export async function sendToWorker<T extends WorkerRequestType>(
  send: SendMessage,
  request: Extract<WorkerRequest, { type: T }>,
): Promise<WorkerReply<T>> {
  let raw: unknown;
  try {
    raw = await send(request);
  } catch (error) {
    throw new PygboxError('message-invalid', `the extension's background did not answer (${request.type})`, {
      hint: 'Reload the extension at chrome://extensions, then try again; stored data is kept.',
      place: { file: 'service worker' },
      cause: error,
    });
  }
  const envelope = parseMessage(replyEnvelopeSchema, raw, `${request.type} reply`);
  if (!envelope.ok) throw fromWireError(envelope.error);
  // The lookup loses the link between the key and its schema's type; the schema itself is exact.
  const schema = workerReplySchemas[request.type] as unknown as z.ZodType<WorkerReply<T>>;
  return parseMessage(schema, envelope.value, `${request.type} reply`);
}
