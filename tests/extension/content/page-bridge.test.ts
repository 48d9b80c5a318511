import { describe, expect, it } from 'vitest';
import { connectPageBridge } from '../../../extension/content/page-bridge.ts';
import { BRIDGE_CHANNEL, relayToPageSchema } from '../../../extension/messages/page-bridge-protocol.ts';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';

/**
 * A window as far as the bridge uses one: `postMessage` delivers a message event whose source is
 * this window, the way a page's own postMessage arrives in both of its worlds. `foreign` delivers
 * one from another window (an iframe, an opener).
 */
function fakeWindow() {
  const target = new EventTarget();
  const posted: unknown[] = [];
  const deliver = (data: unknown, source: unknown) => {
    const event = new MessageEvent('message', { data });
    Object.defineProperty(event, 'source', { value: source });
    target.dispatchEvent(event);
  };
  const window = Object.assign(target, {
    location: { origin: 'https://character.ai' },
    postMessage: (data: unknown) => {
      posted.push(data);
      queueMicrotask(() => deliver(data, window));
    },
  });
  return {
    window: window as unknown as Window,
    posted,
    fromPage: (data: unknown) => deliver(data, window),
    foreign: (data: unknown) => deliver(data, {}),
  };
}

const fromPage = (fields: Record<string, unknown>) => ({ channel: BRIDGE_CHANNEL, from: 'page', ...fields });

describe('the page bridge (relay side)', () => {
  it('hands captures on, and ignores messages of other windows, other channels and bad shapes', () => {
    const page = fakeWindow();
    const captured: unknown[] = [];
    connectPageBridge(page.window, (record) => captured.push(record));
    page.fromPage(fromPage({ kind: 'capture', record: { url: 'https://neo.character.ai/turns/a/' } }));
    page.foreign(fromPage({ kind: 'capture', record: 'from an iframe' }));
    page.fromPage({ channel: 'someone-else', from: 'page', kind: 'capture', record: 'x' });
    page.fromPage(fromPage({ kind: 'shout' }));
    expect(captured).toEqual([{ url: 'https://neo.character.ai/turns/a/' }]);
  });

  it('knows when the page has signed in, without ever receiving the token', () => {
    const page = fakeWindow();
    const bridge = connectPageBridge(page.window, () => undefined);
    expect(bridge.sessionSeen()).toBe(false);
    page.fromPage(fromPage({ kind: 'session-seen' }));
    expect(bridge.sessionSeen()).toBe(true);
  });

  it('matches fetch replies to their requests by id, and throws a failed one as PygboxError', async () => {
    const page = fakeWindow();
    const bridge = connectPageBridge(page.window, () => undefined);
    const first = bridge.fetchInPage({ url: 'https://neo.character.ai/turns/a/', method: 'GET' });
    const second = bridge.fetchInPage({ url: 'https://neo.character.ai/turns/b/', method: 'GET' });
    await Promise.resolve();
    const [askA, askB] = page.posted.map((message) => relayToPageSchema.parse(message));
    expect([askA?.url, askB?.url]).toEqual([
      'https://neo.character.ai/turns/a/',
      'https://neo.character.ai/turns/b/',
    ]);

    page.fromPage(
      fromPage({
        kind: 'fetch-reply',
        id: askB?.id,
        result: { ok: false, error: { code: 'dump-failed', message: 'no answer', place: {} } },
      }),
    );
    page.fromPage(
      fromPage({
        kind: 'fetch-reply',
        id: askA?.id,
        result: { ok: true, reply: { status: 200, bodyText: '{}', contentType: 'application/json' } },
      }),
    );
    await expect(first).resolves.toEqual({ status: 200, bodyText: '{}', contentType: 'application/json' });
    await expect(second).rejects.toSatisfy(
      (error: unknown) => error instanceof PygboxError && error.code === 'dump-failed',
    );
  });
});
