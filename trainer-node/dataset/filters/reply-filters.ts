/**
 * Filters on one bot reply as a training target. Masked positions carry no loss, so these look at
 * the reply only: a broken or looping user message teaches nothing, a broken or looping reply
 * teaches the model to write one.
 */

/**
 * Zalgo: three or more generic combining marks in a row (the Combining Diacritical Marks blocks
 * Zalgo generators draw from). Not any `\p{M}`: Devanagari (`पढ़ें`: nukta, vowel sign, anusvara),
 * vocalized Hebrew and Arabic stack three marks of their own blocks on one letter in ordinary
 * words, and Vietnamese needs at most two generic ones even decomposed.
 */
const GENERIC_MARKS =
  '\\u0300-\\u036F\\u0483-\\u0489\\u1AB0-\\u1AFF\\u1DC0-\\u1DFF\\u20D0-\\u20FF\\uFE20-\\uFE2F';
// Built from a string: the class holds combining marks alone on purpose, which the linter's
// misleading-class rule (meant for a letter and a mark typed together) would flag.
const ZALGO = new RegExp(`[${GENERIC_MARKS}]{3,}`, 'u');
/** U+FFFD (bytes lost in decoding), control characters other than tab and line breaks, lone surrogates. */
const BROKEN = /\uFFFD|(?![\t\n\r])\p{Cc}|\p{Cs}/u;
/** UTF-8 read as Latin-1 or Windows-1252 (`Ã©`, `â€™`): mojibake. */
const MOJIBAKE = /Ã[\u0080-\u00BF]|â€[\u0080-\u00BF\u2018-\u201E\u2020-\u2022\u2026\u2030\u2122]/u;

export function isBrokenText(text: string): boolean {
  return ZALGO.test(text) || BROKEN.test(text) || MOJIBAKE.test(text);
}

/**
 * The words of a reply, lower-cased (an apostrophe stays inside a word: `don't`, `'sup`). Scripts
 * written without spaces (Chinese, Japanese, Thai, Lao, Khmer, Myanmar) count one word a character:
 * a generous bound, but without it a whole sentence is one "word" and every such reply falls under
 * the minimum length.
 */
const SPACELESS =
  '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Thai}\\p{Script=Lao}\\p{Script=Khmer}\\p{Script=Myanmar}';
const HAS_SPACELESS = new RegExp(`[${SPACELESS}]`, 'u');
const WORD = /[\p{L}\p{N}']+/gu;
const WORD_OR_CHARACTER = new RegExp(`[${SPACELESS}]|(?:(?![${SPACELESS}])[\\p{L}\\p{N}'])+`, 'gu');

export function replyWords(text: string): string[] {
  // Most replies hold no such script and take the simpler, faster pattern.
  return text.toLowerCase().match(HAS_SPACELESS.test(text) ? WORD_OR_CHARACTER : WORD) ?? [];
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
    const looping = this.repeats(reply, words, bag);
    this.remember(bag);
    return looping;
  }

  /** Whether `reply` loops, without remembering it. */
  loops(reply: string): boolean {
    const words = replyWords(reply);
    return this.repeats(reply, words, wordBag(words));
  }

  push(reply: string): void {
    this.remember(wordBag(replyWords(reply)));
  }

  private repeats(reply: string, words: readonly string[], bag: ReadonlyMap<string, number>): boolean {
    return (
      repeatsSentence(reply, words.length) ||
      (words.length >= LOOP_MIN_WORDS &&
        this.recent.some((earlier) => cosine(bag, earlier) >= LOOP_SIMILARITY))
    );
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
  // Full-width ends too: Chinese and Japanese end sentences with 。！？.
  for (const sentence of reply.split(/[.!?\n。！？]+/u)) {
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
