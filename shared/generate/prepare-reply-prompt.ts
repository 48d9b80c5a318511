import { PygboxError } from '../errors/pygbox-error.ts';
import type { PromptCharacter, PromptTurn } from '../prompt/prompt-format.ts';
import { renderPrompt } from '../prompt/render-prompt.ts';
import type { ChatTokenizer } from './chat-tokenizer.ts';

export interface PreparedPrompt {
  text: string;
  /** The ids the model is fed: the prompt tokenized whole, special prefix included. */
  ids: number[];
  keptTurns: number;
  droppedTurns: number;
}

/**
 * The prompt for the character's next reply, trimmed to the model's context by shared/prompt's one
 * rule (oldest history lines go first, the persona never) with room left for `maxNewTokens`. The
 * renderer sums per-piece token counts; the whole prompt is then tokenized, as the dataset's
 * prompts were, and if a tokenizer merges across a join so the sum was short, the budget is
 * tightened by the difference and the prompt rendered again.
 */
export function prepareReplyPrompt(
  character: PromptCharacter,
  history: readonly PromptTurn[],
  tokenizer: ChatTokenizer,
  limits: { contextLength: number; maxNewTokens: number },
): PreparedPrompt {
  let budget = limits.contextLength;
  for (let attempt = 0; attempt < 4; attempt += 1) {
    const rendered = renderPrompt(character, history, {
      countTokens: (text) => tokenizer.encode(text).length,
      budget,
      reserve: limits.maxNewTokens,
      specialTokens: tokenizer.prefixIds.length,
    });
    if (rendered === undefined) break;
    const ids = tokenizer.encodeWithSpecials(rendered.text);
    const over = ids.length + limits.maxNewTokens - limits.contextLength;
    if (over <= 0) {
      return { text: rendered.text, ids, keptTurns: rendered.keptTurns, droppedTurns: rendered.droppedTurns };
    }
    budget -= over;
  }
  throw new PygboxError('usage', "the persona and the last message do not fit in the model's context", {
    place: { field: 'max_new_tokens' },
    hint: `the context holds ${limits.contextLength} tokens and ${limits.maxNewTokens} are kept for the reply: lower max_new_tokens, or shorten the persona or the message`,
  });
}
