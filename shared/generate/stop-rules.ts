import { REPLY_STOP } from '../prompt/prompt-format.ts';

/**
 * When a reply ends: one of the end-of-sequence ids is drawn (the id itself is never part of the
 * reply), or the decoded reply holds one of the stop strings (the model starting the user's next
 * line, `\nYou:`). The chat page and `pygbox chat` stop on the same rules the dataset taught.
 */
export interface StopRules {
  eosIds: readonly number[];
  stopStrings: readonly string[];
}

export function replyStopRules(eosIds: readonly number[]): StopRules {
  return { eosIds, stopStrings: [REPLY_STOP] };
}

/** Where the earliest stop string starts in `text`, or undefined. */
export function findStopString(text: string, stopStrings: readonly string[]): number | undefined {
  let first: number | undefined;
  for (const stop of stopStrings) {
    const at = text.indexOf(stop);
    if (at !== -1 && (first === undefined || at < first)) first = at;
  }
  return first;
}

/**
 * How many characters at the end of `text` could be the start of a stop string (`\nYo` of
 * `\nYou:`), and so must not be shown yet: if the next tokens complete the stop, they were never
 * part of the reply.
 */
export function stopPrefixLength(text: string, stopStrings: readonly string[]): number {
  let longest = 0;
  for (const stop of stopStrings) {
    for (let length = Math.min(stop.length - 1, text.length); length > longest; length -= 1) {
      if (text.endsWith(stop.slice(0, length))) {
        longest = length;
        break;
      }
    }
  }
  return longest;
}
