import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import { fromWireError } from '../messages/message-error.ts';
import {
  BRIDGE_CHANNEL,
  type PageToRelay,
  pageToRelaySchema,
  type RelayToPage,
} from '../messages/page-bridge-protocol.ts';
import type { TabFetchReply } from '../messages/tab-protocol.ts';

/** How long the page world may take to answer one dump request (the site can be slow). */
const FETCH_TIMEOUT_MS = 60_000;

export interface PageBridge {
  /** The page has signed in to the API since it loaded, so dump requests carry its session. */
  sessionSeen(): boolean;
  /** Asks the page world to perform one request with the page's session. */
  fetchInPage(request: Omit<RelayToPage, 'channel' | 'from' | 'kind' | 'id'>): Promise<TabFetchReply>;
}

/**
 * The isolated relay's side of the window.postMessage channel to the page-world hook: hands
 * captures to `onCapture` and matches fetch replies to their requests by a random id.
 */
export function connectPageBridge(target: Window, onCapture: (record: unknown) => void): PageBridge {
  let sessionSeen = false;
  const pending = new Map<
    string,
    { resolve: (reply: TabFetchReply) => void; reject: (error: unknown) => void }
  >();

  target.addEventListener('message', (event) => {
    if (event.source !== target) return;
    const parsed = pageToRelaySchema.safeParse(event.data);
    if (!parsed.success) return;
    const message: PageToRelay = parsed.data;
    if (message.kind === 'capture') {
      onCapture(message.record);
      return;
    }
    if (message.kind === 'session-seen') {
      sessionSeen = true;
      return;
    }
    const waiter = pending.get(message.id);
    if (waiter === undefined) return;
    pending.delete(message.id);
    if (message.result.ok) waiter.resolve(message.result.reply);
    else waiter.reject(fromWireError(message.result.error));
  });

  return {
    sessionSeen: () => sessionSeen,
    fetchInPage(request) {
      const id = crypto.randomUUID();
      return new Promise<TabFetchReply>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(
            new PygboxError('dump-failed', 'the character.ai tab did not answer a dump request in time', {
              hint: 'Reload the character.ai tab; the dump continues where it stopped.',
              place: { file: 'character.ai tab' },
            }),
          );
        }, FETCH_TIMEOUT_MS);
        pending.set(id, {
          resolve: (reply) => {
            clearTimeout(timer);
            resolve(reply);
          },
          reject: (error) => {
            clearTimeout(timer);
            reject(error);
          },
        });
        const message: RelayToPage = {
          channel: BRIDGE_CHANNEL,
          from: 'relay',
          kind: 'fetch',
          id,
          ...request,
        };
        target.postMessage(message, target.location.origin);
      });
    },
  };
}
