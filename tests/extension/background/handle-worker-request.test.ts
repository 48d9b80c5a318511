import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import type { DumpController } from '../../../extension/background/dump-controller.ts';
import { handleWorkerRequest } from '../../../extension/background/handle-worker-request.ts';
import { IDLE_DUMP_STATUS } from '../../../extension/messages/dump-status.ts';
import { workerReplySchemas } from '../../../extension/messages/worker-protocol.ts';
import { openPygboxStore, type PygboxStore } from '../../../shared/store/pygbox-store.ts';
import { chatList, NEW_TURNS, OLD_TURNS, turnsPage } from '../../shared/store/capture-fixtures.ts';

const opened: PygboxStore[] = [];
afterEach(() => {
  for (const store of opened.splice(0)) store.close();
});

/** The dump is driven by the browser (tabs, storage); here only its answers are routed. */
function idleDump(calls: string[]): DumpController {
  const answer = async (name: string) => {
    calls.push(name);
    return { ...IDLE_DUMP_STATUS };
  };
  return {
    start: () => answer('start'),
    cancel: () => answer('cancel'),
    resumeInterrupted: () => answer('resumeInterrupted'),
  };
}

async function parts(calls: string[] = []) {
  const store = await openPygboxStore({ indexedDB: new IDBFactory() });
  opened.push(store);
  return { store: async () => store, dump: idleDump(calls) };
}

describe('the service worker request handler', () => {
  it('stores relayed captures and answers counts that match the reply schema', async () => {
    const worker = await parts();
    const records = [
      chatList('2024-03-05T10:05:00Z'),
      turnsPage(NEW_TURNS, '2024-03-05T10:05:01Z', undefined, 'page-2'),
      turnsPage(OLD_TURNS, '2024-03-05T10:05:02Z', 'page-2'),
      { ...chatList('2024-03-05T10:06:00Z'), url: 'https://neo.character.ai/unknown/endpoint/' },
    ];
    const ingest = workerReplySchemas.captures.parse(
      await handleWorkerRequest({ type: 'captures', records }, worker),
    );
    expect(ingest).toEqual({ captures: 4, chats: 1, newMessages: 4, problems: 1 });
    const again = workerReplySchemas.captures.parse(
      await handleWorkerRequest({ type: 'captures', records }, worker),
    );
    expect(again).toEqual({ captures: 0, chats: 1, newMessages: 0, problems: 1 });

    const status = workerReplySchemas.status.parse(await handleWorkerRequest({ type: 'status' }, worker));
    expect(status.counts).toEqual({ characters: 0, chats: 1, messages: 4, captures: 4, preferences: 0 });
  });

  it('checks for an interrupted dump on every status, and routes dump requests to the controller', async () => {
    const calls: string[] = [];
    const worker = await parts(calls);
    await handleWorkerRequest({ type: 'status' }, worker);
    await handleWorkerRequest({ type: 'dump-start', scope: { kind: 'everything' } }, worker);
    await handleWorkerRequest({ type: 'dump-cancel' }, worker);
    await handleWorkerRequest({ type: 'dump-wake' }, worker);
    expect(calls).toEqual(['resumeInterrupted', 'start', 'cancel', 'resumeInterrupted']);
  });
});
