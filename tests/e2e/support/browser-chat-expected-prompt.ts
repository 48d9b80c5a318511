import { type PreparedPrompt, prepareReplyPrompt } from '../../../shared/generate/prepare-reply-prompt.ts';
import type { PromptCharacter, PromptTurn } from '../../../shared/prompt/prompt-format.ts';
import {
  type DatasetTokenizer,
  loadDatasetTokenizer,
} from '../../../trainer-node/dataset/tokenizer/dataset-tokenizer.ts';

/**
 * What the chat page must send the model, computed in Node by the shared module from the model
 * folder's own tokenizer: the reference the page's "Prompt sent" is compared with. Both sides run
 * the same renderer, so a mismatch means the page fed it something else (a wrong history, a
 * display name where `You` belongs, a stale swipe, other limits).
 */
export class ExpectedPrompts {
  private constructor(
    private readonly tokenizer: DatasetTokenizer,
    private readonly contextLength: number,
  ) {}

  static async forModel(folder: string, contextLength: number): Promise<ExpectedPrompts> {
    return new ExpectedPrompts(await loadDatasetTokenizer(folder), contextLength);
  }

  reply(character: PromptCharacter, history: readonly PromptTurn[], maxNewTokens: number): PreparedPrompt {
    return prepareReplyPrompt(character, history, this.tokenizer, {
      contextLength: this.contextLength,
      maxNewTokens,
    });
  }
}
