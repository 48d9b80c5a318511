import '../../shared/zod-without-eval.ts';
import browser from 'webextension-polyfill';
import { caiApiFamily } from '../../shared/cai/cai-hosts.ts';
import { type CaptureRecord, captureRecordSchema } from '../../shared/capture/capture-record.ts';
import { answerRequest } from '../messages/answer-request.ts';
import { parseMessage } from '../messages/parse-message.ts';
import { sendToWorker } from '../messages/send-to-worker.ts';
import { tabRequestSchema } from '../messages/tab-protocol.ts';
import { createCaptureBatcher } from './capture-batcher.ts';
import { connectPageBridge } from './page-bridge.ts';

/**
 * The isolated content script: relays capture records from the page-world hook to the service
 * worker, and serves the worker's dump requests through the page world. It keeps nothing: records
 * go out in small batches, and the session token never comes here.
 */

/** No dump request for this long after one arrived: the worker may have been stopped mid-dump. */
const DUMP_SILENCE_MS = 12_000;

const send = (message: unknown): Promise<unknown> => browser.runtime.sendMessage(message);

const batcher = createCaptureBatcher({
  deliver: async (records) => {
    await sendToWorker(send, { type: 'captures', records });
  },
  onDropped: (count, error) =>
    console.warn(
      `[pygbox] ${count} captured responses could not be saved`,
      error instanceof Error ? error.message : '',
    ),
});

const bridge = connectPageBridge(window, (record) => {
  const parsed = captureRecordSchema.safeParse(record);
  if (!parsed.success || !fromCharacterAi(parsed.data)) return;
  batcher.add(parsed.data);
});

function fromCharacterAi(record: CaptureRecord): boolean {
  try {
    return caiApiFamily(new URL(record.url).hostname) !== undefined;
  } catch {
    return false;
  }
}

/**
 * A service worker stopped in the middle of a dump (Chrome stops idle workers, and may stop any)
 * has nothing left that would start it again: its next request would have come through here. So
 * this tab, having served dump requests, wakes it when they stop; the worker then resumes the
 * saved job, or answers that none is running and the watch ends.
 */
let silenceTimer: ReturnType<typeof setTimeout> | undefined;
function watchDumpSilence(): void {
  clearTimeout(silenceTimer);
  silenceTimer = setTimeout(() => {
    sendToWorker(send, { type: 'dump-wake' }).then(
      (status) => {
        if (status.state === 'running') watchDumpSilence();
      },
      () => undefined,
    );
  }, DUMP_SILENCE_MS);
}

browser.runtime.onMessage.addListener((raw: unknown, sender: browser.Runtime.MessageSender) => {
  if (sender.id !== browser.runtime.id) return undefined;
  return answerRequest(async () => {
    const request = parseMessage(tabRequestSchema, raw, 'tab request');
    if (request.type === 'tab-ping') return { ready: bridge.sessionSeen() };
    watchDumpSilence();
    // Captures the page made before this request are stored first, so progress counts are honest.
    await batcher.flush();
    return bridge.fetchInPage({
      url: request.url,
      method: request.method,
      ...(request.body === undefined ? {} : { body: request.body }),
    });
  });
});
