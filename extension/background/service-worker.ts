import '../../shared/zod-without-eval.ts';
import browser from 'webextension-polyfill';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import { answerRequest } from '../messages/answer-request.ts';
import { parseMessage } from '../messages/parse-message.ts';
import { workerRequestSchema } from '../messages/worker-protocol.ts';
import { createDumpController } from './dump-controller.ts';
import { handleWorkerRequest } from './handle-worker-request.ts';
import { senderMayAsk } from './sender-may-ask.ts';
import { workerStore } from './worker-store.ts';

/**
 * The service worker: owns the capture store (IndexedDB of the extension's origin) and the active
 * dumper. It only wires parts together; every message is parsed before it is acted on, and every
 * answer, errors included, goes back in the reply envelope.
 */
const dump = createDumpController();
const parts = { store: workerStore, dump };
const EXTENSION_BASE = browser.runtime.getURL('');

browser.runtime.onMessage.addListener((raw: unknown, sender: browser.Runtime.MessageSender) => {
  // Only this extension's own pages and content scripts; there is no externally_connectable.
  if (sender.id !== browser.runtime.id) return undefined;
  return answerRequest(async () => {
    const request = parseMessage(workerRequestSchema, raw, 'worker request');
    if (!senderMayAsk(request.type, sender.url, EXTENSION_BASE)) {
      throw new PygboxError('message-invalid', `a character.ai tab may not ask for ${request.type}`, {
        hint: 'Use the Pygbox popup or review page for this; reload the character.ai tab if it persists.',
        place: { file: 'worker request', field: 'type' },
      });
    }
    return handleWorkerRequest(request, parts);
  });
});

// A worker started for any reason first picks up a dump the previous one was running.
void dump
  .resumeInterrupted()
  .catch((error: unknown) => console.warn('[pygbox] could not resume the dump', error));
