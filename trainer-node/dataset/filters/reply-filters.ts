/**
 * Filters on one bot reply as a training target. Masked positions carry no loss, so these look at
 * the reply only: a broken or looping user message teaches nothing, a broken or looping reply
 * teaches the model to write one.
 */

/** Zalgo: three or more combining marks on one letter. */
const ZALGO = /\p{M}{3,}/u;
/** U+FFFD (bytes lost in decoding), control characters other than tab and line breaks, lone surrogates. */
const BROKEN = /\uFFFD|(?![\t\n\r])\p{Cc}|\p{Cs}/u;
/** UTF-8 read as Latin-1 or Windows-1252 (`Ã©`, `â€™`): mojibake. */
const MOJIBAKE = /Ã[\u0080-\u00BF]|â€[\u0080-\u00BF\u2018-\u201E\u2020-\u2022\u2026\u2030\u2122]/u;

export function isBrokenText(text: string): boolean {
  return ZALGO.test(text) || BROKEN.test(text) || MOJIBAKE.test(text);
}

/** The words of a reply, lower-cased (an apostrophe stays inside a word: `don't`, `'sup`). */
export function replyWords(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
}

export function wordCount(text: string): number {
  return replyWords(text).length;
}

/** How many recent bot replies a reply is compared with for looping. */
const LOOP_WINDOW = 4;
/** Word-bag cosine at or above which a reply repeats an earlier one. */
const LOOP_SIMILARITY = 0.9;
/** Fewest words a reply needs before it is compared: "Yes." twice is not a loop. */
const LOOP_MIN_WORDS = 5;
/** A sentence of at least this many words said this many times in one reply is a loop. */
const REPEAT_SENTENCE_WORDS = 3;
const REPEAT_SENTENCE_TIMES = 3;

/**
 * Character.AI's looping (the Pygmalion toolbox's "post-1.1 looping behavior"): the bot repeats an
 * earlier reply of the same chat almost word for word, or says one sentence over and over.
 */
export function isLoopingReply(reply: string, earlierBotReplies: readonly string[]): boolean {
  const tracker = new LoopTracker();
  for (const earlier of earlierBotReplies) tracker.push(earlier);
  return tracker.loops(reply);
}

/**
 * The looping check along one chat: each bot reply's word bag is made once and compared with the
 * bags of the last few replies, so a long chat costs one bag per reply, not one per comparison.
 */
export class LoopTracker {
  private readonly recent: Map<string, number>[] = [];

  /** True when `reply` (whose `replyWords` are `words`) loops; it becomes the latest reply either way. */
  check(reply: string, words: readonly string[] = replyWords(reply)): boolean {
    const bag = wordBag(words);
    const looping =
      repeatsSentence(reply, words.length) ||
      (words.length >= LOOP_MIN_WORDS &&
        this.recent.some((earlier) => cosine(bag, earlier) >= LOOP_SIMILARITY));
    this.remember(bag);
    return looping;
  }

  loops(reply: string): boolean {
    const words = replyWords(reply);
    if (repeatsSentence(reply, words.length)) return true;
    const bag = wordBag(words);
    return (
      words.length >= LOOP_MIN_WORDS && this.recent.some((earlier) => cosine(bag, earlier) >= LOOP_SIMILARITY)
    );
  }

  push(reply: string): void {
    this.remember(wordBag(replyWords(reply)));
  }

  private remember(bag: Map<string, number>): void {
    this.recent.push(bag);
    if (this.recent.length > LOOP_WINDOW) this.recent.shift();
  }
}

function repeatsSentence(reply: string, wordTotal: number): boolean {
  // Too few words to hold one sentence of REPEAT_SENTENCE_WORDS said REPEAT_SENTENCE_TIMES times.
  if (wordTotal < REPEAT_SENTENCE_WORDS * REPEAT_SENTENCE_TIMES) return false;
  const seen = new Map<string, number>();
  for (const sentence of reply.split(/[.!?\n]+/u)) {
    const words = replyWords(sentence);
    if (words.length < REPEAT_SENTENCE_WORDS) continue;
    const key = words.join(' ');
    const times = (seen.get(key) ?? 0) + 1;
    if (times >= REPEAT_SENTENCE_TIMES) return true;
    seen.set(key, times);
  }
  return false;
}

function wordBag(words: readonly string[]): Map<string, number> {
  const bag = new Map<string, number>();
  for (const word of words) bag.set(word, (bag.get(word) ?? 0) + 1);
  return bag;
}

function cosine(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (const [word, count] of a) {
    normA += count * count;
    dot += count * (b.get(word) ?? 0);
  }
  for (const count of b.values()) normB += count * count;
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}
