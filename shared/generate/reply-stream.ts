import { findStopString, stopPrefixLength } from './stop-rules.ts';

/**
 * Turns the decoded text of a growing reply into the pieces safe to show, so what was streamed
 * always equals the start of the final parsed reply (parseReply: cut at the stop, trimmed). Held
 * back, until later text settles them:
 *   - a tail that may still become a stop string (`\nYo`), measured on the whole decoded text: a
 *     reply that starts with `\nYo` must hold it too, although the shown text starts after `\n`,
 *   - trailing whitespace (the parsed reply is trimmed, so it shows only once text follows it),
 *   - a trailing U+FFFD (a byte-level token that ends mid-character decodes to it until the rest of
 *     the character's bytes arrive).
 * Leading whitespace (the space after `{char}:`) is never shown.
 */
export class ReplyStream {
  private shown = 0;

  constructor(private readonly stopStrings: readonly string[]) {}

  /**
   * Given the whole decoded reply so far: the new text to show, and whether a stop string is now
   * complete (then `text` is everything up to it and nothing more will come). `final` says the
   * reply ended some other way (end-of-sequence, length, stop button): nothing more is held back
   * but trailing whitespace, so the stream ends equal to the parsed reply.
   */
  push(decoded: string, final = false): { text: string; stopped: boolean } {
    const stop = findStopString(decoded, this.stopStrings);
    let end = stop ?? decoded.length;
    if (stop === undefined && !final) {
      end -= stopPrefixLength(decoded, this.stopStrings);
      while (end > 0 && decoded[end - 1] === '\uFFFD') end -= 1;
    }
    // The settled text, trimmed as parseReply trims: it only ever grows at its end.
    const settled = decoded.slice(0, end).trim();
    if (settled.length <= this.shown) return { text: '', stopped: stop !== undefined };
    const text = settled.slice(this.shown);
    this.shown = settled.length;
    return { text, stopped: stop !== undefined };
  }
}
