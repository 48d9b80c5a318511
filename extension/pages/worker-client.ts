import browser from 'webextension-polyfill';
import { type SendMessage, sendToWorker } from '../messages/send-to-worker.ts';
import type { WorkerReply, WorkerRequest, WorkerRequestType } from '../messages/worker-protocol.ts';

const send: SendMessage = (message) => browser.runtime.sendMessage(message);

/** The pages' way to ask the service worker something, typed by the protocol. */
export function askWorker<T extends WorkerRequestType>(
  request: Extract<WorkerRequest, { type: T }>,
): Promise<WorkerReply<T>> {
  return sendToWorker(send, request);
}
