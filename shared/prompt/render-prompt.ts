import { fitHistory } from './fit-history.ts';
import type { PromptCharacter, PromptTurn } from './prompt-format.ts';
import { promptPieces } from './prompt-pieces.ts';

export interface RenderOptions {
  /** Counts tokens of a piece of text with the model's tokenizer (special tokens not added). */
  countTokens: (text: string) => number;
  /** The model's context: prompt, reply and end-of-sequence must fit in it. */
  budget: number;
  /** Tokens kept free for the reply and its end-of-sequence token. */
  reserve: number;
  /** Tokens the tokenizer adds before a text (OPT's leading `</s>`); counted against the budget. */
  specialTokens?: number;
  /**
   * The reply so far, to be continued: the prompt then ends `\n{char}: {partialReply}` instead of
   * the bare cue, and the model writes on from its last character. Blank means no continuation.
   */
  partialReply?: string;
}

export interface RenderedPrompt {
  text: string;
  /** How many of the most recent history turns the prompt holds. */
  keptTurns: number;
  droppedTurns: number;
  /** Tokens of the prompt, special tokens included (the sum of its pieces' counts). */
  tokens: number;
}

/**
 * Renders the prompt for the next character reply with as much recent history as fits the budget
 * (see fit-history.ts). Returns undefined when the persona block, the reply room and the newest
 * turn (the message the reply answers) do not fit. A continued reply's text counts as part of
 * the cue, so it is never trimmed either. Pieces are counted separately and summed, which is exact for tokenizers whose pre-tokenizer
 * splits at newlines and before the space that starts each text (GPT-2's byte-level BPE, OPT's);
 * for others the sum can be off at the joins, so callers that need exactness count the result.
 */
export function renderPrompt(
  character: PromptCharacter,
  history: readonly PromptTurn[],
  options: RenderOptions,
): RenderedPrompt | undefined {
  const pieces = promptPieces(character, history, options.partialReply);
  const fixed =
    options.countTokens(pieces.header) + options.countTokens(pieces.cue) + (options.specialTokens ?? 0);
  const lineCosts = pieces.lines.map((line) => options.countTokens(line));
  const first = fitHistory(fixed + options.reserve, lineCosts, options.budget);
  if (first === undefined) return undefined;
  let tokens = fixed;
  for (let index = first; index < lineCosts.length; index += 1) tokens += lineCosts[index] ?? 0;
  return {
    text: pieces.header + pieces.lines.slice(first).join('') + pieces.cue,
    keptTurns: pieces.lines.length - first,
    droppedTurns: first,
    tokens,
  };
}
