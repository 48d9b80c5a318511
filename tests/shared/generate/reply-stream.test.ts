import { describe, expect, it } from 'vitest';
import { ReplyStream } from '../../../shared/generate/reply-stream.ts';
import { findStopString, stopPrefixLength } from '../../../shared/generate/stop-rules.ts';
import { parseReply } from '../../../shared/prompt/parse-reply.ts';
import { REPLY_STOP } from '../../../shared/prompt/prompt-format.ts';

const STOPS = [REPLY_STOP];

/** Streams each growing text, returning the pieces shown and whether it stopped. */
function streamAll(texts: readonly string[], final = true) {
  const stream = new ReplyStream(STOPS);
  const pieces: string[] = [];
  let stopped = false;
  for (const [index, text] of texts.entries()) {
    const piece = stream.push(text, final && index === texts.length - 1);
    if (piece.text !== '') pieces.push(piece.text);
    stopped = piece.stopped;
    if (stopped) break;
  }
  return { pieces, stopped };
}

describe('stop strings', () => {
  it('finds the earliest stop and measures a tail that may still become one', () => {
    expect(findStopString('Hi.\nYou: no', STOPS)).toBe(3);
    expect(findStopString('Hi. You: no', STOPS)).toBeUndefined();
    expect(stopPrefixLength('Hi.\nYo', STOPS)).toBe(3);
    expect(stopPrefixLength('Hi.\n', STOPS)).toBe(1);
    expect(stopPrefixLength('Hi. You', STOPS)).toBe(0);
    expect(stopPrefixLength('Hi.', STOPS)).toBe(0);
  });
});

describe('the reply stream', () => {
  it('never shows text that turns out to be part of the stop string', () => {
    const texts = [
      ' Hello',
      ' Hello there',
      ' Hello there\n',
      ' Hello there\nYo',
      ' Hello there\nYou',
      ' Hello there\nYou:',
    ];
    const { pieces, stopped } = streamAll(texts, false);
    expect(stopped).toBe(true);
    expect(pieces).toEqual(['Hello', ' there']);
    expect(pieces.join('')).toBe(parseReply(texts.at(-1) ?? ''));
  });

  it('shows held-back text once it is clearly not a stop', () => {
    const texts = [' Look', ' Look\n', ' Look\nYo', ' Look\nYoung', ' Look\nYoung one'];
    const { pieces } = streamAll(texts);
    expect(pieces).toEqual(['Look', '\nYoung', ' one']);
    expect(pieces.join('')).toBe(parseReply(texts.at(-1) ?? ''));
  });

  it('holds a half-decoded character until its bytes are complete', () => {
    const { pieces } = streamAll([' Caf', ' Caf\uFFFD', ' Café', ' Café!'], false);
    expect(pieces).toEqual(['Caf', 'é', '!']);
  });

  it('flushes a held tail when the reply ends another way, trimming trailing space', () => {
    const { pieces } = streamAll([' Wait', ' Wait\nYo'], true);
    expect(pieces.join('')).toBe('Wait\nYo');
    expect(streamAll([' Wait', ' Wait  '], true).pieces).toEqual(['Wait']);
  });

  it('holds a reply that starts with the stop, split across tokens', () => {
    // The reply's leading newline is never shown, but `\nYo` is still the stop's start.
    expect(streamAll(['\n', '\nYo', '\nYou', '\nYou:'], false)).toEqual({ pieces: [], stopped: true });
    expect(streamAll([' \nYo', ' \nYou:'], false)).toEqual({ pieces: [], stopped: true });
    expect(streamAll(['\nYo', '\nYoung'], false).pieces).toEqual(['Young']);
  });

  it('shows nothing for a reply that is only whitespace before the stop', () => {
    expect(streamAll(['  ', ' \nYou:'], false)).toEqual({ pieces: [], stopped: true });
  });
});
