import browser from 'webextension-polyfill';
import type { DumpRequest } from '../../shared/dump/dump-request.ts';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import { fromWireError } from '../messages/message-error.ts';
import { parseMessage } from '../messages/parse-message.ts';
import { type TabRequest, tabFetchReplySchema, tabPingReplySchema } from '../messages/tab-protocol.ts';
import { replyEnvelopeSchema } from '../messages/worker-protocol.ts';
import { CHARACTER_AI_TABS } from './character-ai-tabs.ts';

/**
 * The dumper's transport in the extension: each request is performed by a character.ai tab, in
 * the page world, with the session the page uses (see content/dump-fetch-in-page.ts). The worker
 * itself could fetch with the host permission and the cookies, but not with the `Authorization`
 * token the neo API wants, which only the page holds; and the token must not be copied out of it.
 *
 * The tab is picked again for every request, so closing or reloading the tab mid-dump only costs
 * that request (the dumper retries it) as long as another signed-in tab or the reloaded one is there.
 */
export function createTabDumpRequest(): DumpRequest {
  return async (url, init) => {
    const tabId = await signedInTab();
    const request: TabRequest = {
      type: 'tab-fetch',
      url,
      method: init.method,
      ...(init.body === undefined ? {} : { body: init.body }),
    };
    const reply = await untilAborted(sendToTab(tabId, request), init.signal);
    const { status, bodyText, retryAfter } = parseMessage(tabFetchReplySchema, reply, 'tab-fetch reply');
    return { status, bodyText, ...(retryAfter === undefined ? {} : { retryAfter }) };
  };
}

/** The active character.ai tab if it is signed in, else any signed-in one. */
export async function signedInTab(): Promise<number> {
  const tabs = await browser.tabs.query({ url: CHARACTER_AI_TABS });
  tabs.sort((a, b) => Number(b.active) - Number(a.active));
  for (const tab of tabs) {
    if (tab.id === undefined) continue;
    try {
      const ping = parseMessage(
        tabPingReplySchema,
        await sendToTab(tab.id, { type: 'tab-ping' }),
        'tab-ping reply',
      );
      if (ping.ready) return tab.id;
    } catch {
      // A tab still loading, or opened before the extension was installed: try the next one.
    }
  }
  throw new PygboxError(
    'dump-failed',
    tabs.length === 0 ? 'no character.ai tab is open' : 'no open character.ai tab is signed in yet',
    {
      hint:
        tabs.length === 0
          ? 'Open character.ai in a tab, log in and open one of your chats, then start the dump again.'
          : 'Reload the character.ai tab and open one of your chats (so the page signs in), then start the dump again.',
      place: { file: 'character.ai tab' },
    },
  );
}

/**
 * A tab cannot be told to drop a request it is making, but the dump need not wait for it: on cancel
 * the answer, whenever it comes, is simply not used (the dumper then reports the cancellation).
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

async function sendToTab(tabId: number, request: TabRequest): Promise<unknown> {
  const raw: unknown = await browser.tabs.sendMessage(tabId, request, { frameId: 0 });
  const envelope = parseMessage(replyEnvelopeSchema, raw, `${request.type} reply`);
  if (!envelope.ok) throw fromWireError(envelope.error);
  return envelope.value;
}
