import '../../shared/zod-without-eval.ts';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import { installCaptureHook } from '../../shared/hook/install-capture-hook.ts';
import { toWireError } from '../messages/message-error.ts';
import { BRIDGE_CHANNEL, type PageToRelay, relayToPageSchema } from '../messages/page-bridge-protocol.ts';
import { dumpFetchInPage } from './dump-fetch-in-page.ts';

/**
 * The page-world content script (`"world": "MAIN"`, `document_start`): installs the shared capture
 * hook on this window before the site's scripts run, and posts every record to the isolated relay.
 * It also answers the relay's dump requests (see dump-fetch-in-page.ts). It has no extension APIs.
 */

// Set on the window so a second injection (extension reloaded into a live tab) does not hook twice.
const INSTALLED = Symbol.for('pygbox.page-hook');
const host = window as Window & { [INSTALLED]?: true };

if (host[INSTALLED] !== true) {
  host[INSTALLED] = true;
  let authorization: string | undefined;
  const post = (message: PageToRelay): void => window.postMessage(message, window.location.origin);

  const hook = installCaptureHook(window, {
    onCapture: (record) => post({ channel: BRIDGE_CHANNEL, from: 'page', kind: 'capture', record }),
    onError: (error) => console.warn(`[pygbox] ${error.describe()}`),
    onAuthorization: (value) => {
      if (authorization === undefined) post({ channel: BRIDGE_CHANNEL, from: 'page', kind: 'session-seen' });
      authorization = value;
    },
  });
  const pageFetch = hook.originalFetch ?? window.fetch.bind(window);

  window.addEventListener('message', (event) => {
    if (event.source !== window) return;
    const parsed = relayToPageSchema.safeParse(event.data);
    if (!parsed.success) return;
    const { id, url, method, body } = parsed.data;
    dumpFetchInPage({ url, method, ...(body === undefined ? {} : { body }) }, authorization, pageFetch).then(
      (reply) =>
        post({ channel: BRIDGE_CHANNEL, from: 'page', kind: 'fetch-reply', id, result: { ok: true, reply } }),
      (error: unknown) =>
        post({
          channel: BRIDGE_CHANNEL,
          from: 'page',
          kind: 'fetch-reply',
          id,
          result: {
            ok: false,
            error: toWireError(
              error instanceof PygboxError
                ? error
                : new PygboxError('dump-failed', 'the request to character.ai did not get an answer', {
                    hint: 'Check the connection; the dump waits and tries again.',
                    cause: error,
                  }),
            ),
          },
        }),
    );
  });
}
