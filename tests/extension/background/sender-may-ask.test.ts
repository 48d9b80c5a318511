import { describe, expect, it } from 'vitest';
import { senderMayAsk } from '../../../extension/background/sender-may-ask.ts';

const BASE = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop/';

describe('senderMayAsk', () => {
  it('lets the extension pages ask everything', () => {
    for (const page of ['popup.html', 'review.html', 'options.html']) {
      for (const type of ['captures', 'status', 'dump-start', 'dump-cancel', 'dump-wake'] as const) {
        expect(senderMayAsk(type, `${BASE}${page}`, BASE), `${page} ${type}`).toBe(true);
      }
    }
  });

  it('lets a character.ai tab send captures and the dump wake-up only', () => {
    const tab = 'https://character.ai/chat/char-1?hist=chat-1';
    expect(senderMayAsk('captures', tab, BASE)).toBe(true);
    expect(senderMayAsk('dump-wake', tab, BASE)).toBe(true);
    expect(senderMayAsk('status', tab, BASE)).toBe(false);
    expect(senderMayAsk('dump-start', tab, BASE)).toBe(false);
    expect(senderMayAsk('dump-cancel', tab, BASE)).toBe(false);
  });

  it('treats a sender without a url, or another extension origin, as a tab', () => {
    expect(senderMayAsk('dump-start', undefined, BASE)).toBe(false);
    expect(
      senderMayAsk('dump-start', 'chrome-extension://otherotherotherotherotherother12/popup.html', BASE),
    ).toBe(false);
    // A page whose address merely starts like the extension's id is not the extension.
    expect(senderMayAsk('status', `https://evil.example/${BASE}`, BASE)).toBe(false);
  });
});
