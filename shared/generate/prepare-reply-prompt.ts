import { PygboxError } from '../errors/pygbox-error.ts';
import { type PromptCharacter, type PromptTurn, REPLY_STOP } from '../prompt/prompt-format.ts';
import { partialReplyBody } from '../prompt/prompt-pieces.ts';
import { renderPrompt } from '../prompt/render-prompt.ts';
import type { ChatTokenizer } from './chat-tokenizer.ts';

export interface PreparedPrompt {
  text: string;
  /** The ids the model is fed: the prompt tokenized whole, special prefix included. */
  ids: number[];
  keptTurns: number;
  droppedTurns: number;
  /**
   * When a reply is continued: the end of `text` that is the reply so far (` {partial}`, filled and
   * trimmed); '' otherwise. `text` without it is the prompt the whole reply answers.
   */
  partialText: string;
}

export interface ReplyPromptLimits {
  contextLength: number;
  maxNewTokens: number;
  /** The reply so far, when the model is to continue it rather than start a new one. */
  partialReply?: string;
}

/**
 * The prompt for the character's next reply, trimmed to the model's context by shared/prompt's one
 * rule (oldest history lines go first, the persona never) with room left for `maxNewTokens`. The
 * renderer sums per-piece token counts; the whole prompt is then tokenized, as the dataset's
 * prompts were, and if a tokenizer merges across a join so the sum was short, the budget is
 * tightened by the difference and the prompt rendered again. With `partialReply` the prompt ends
 * with that reply so far instead of the bare `{char}:` cue (see prompt-format.ts).
 */
export function prepareReplyPrompt(
  character: PromptCharacter,
  history: readonly PromptTurn[],
  tokenizer: ChatTokenizer,
  limits: ReplyPromptLimits,
): PreparedPrompt {
  const partialText = partialReplyBody(limits.partialReply, character.name);
  if (partialText.includes(REPLY_STOP)) {
    // The model would read it as the user's next line, and the stop rule would end the reply at once.
    throw new PygboxError('usage', 'the reply to continue has a line that starts with "You:"', {
      place: { field: 'partialReply' },
      hint: 'edit the reply so no line starts with "You:", then continue it',
    });
  }
  let budget = limits.contextLength;
  for (let attempt = 0; attempt < 4; attempt += 1) {
    const rendered = renderPrompt(character, history, {
      countTokens: (text) => tokenizer.encode(text).length,
      budget,
      reserve: limits.maxNewTokens,
      specialTokens: tokenizer.prefixIds.length,
      ...(partialText === '' ? {} : { partialReply: limits.partialReply }),
    });
    if (rendered === undefined) break;
    const ids = tokenizer.encodeWithSpecials(rendered.text);
    const over = ids.length + limits.maxNewTokens - limits.contextLength;
    if (over <= 0) {
      return {
        text: rendered.text,
        ids,
        keptTurns: rendered.keptTurns,
        droppedTurns: rendered.droppedTurns,
        partialText,
      };
    }
    budget -= over;
  }
  throw new PygboxError('usage', "the persona and the last message do not fit in the model's context", {
    place: { field: 'max_new_tokens' },
    hint: `the context holds ${limits.contextLength} tokens and ${limits.maxNewTokens} are kept for the reply: lower max_new_tokens, or shorten the persona, the example dialogue or the message`,
  });
}
