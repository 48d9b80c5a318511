import type { PromptCharacter, PromptTurn } from '../prompt/prompt-format.ts';
import type { ChatTokenizer } from './chat-tokenizer.ts';
import type { DecoderModel } from './decoder-model.ts';
import { type GeneratedReply, generateReply } from './generate-reply.ts';
import { type PreparedPrompt, prepareReplyPrompt } from './prepare-reply-prompt.ts';
import type { PromptCache } from './prompt-cache.ts';
import type { SamplerSettings } from './sampler-settings.ts';
import { replyStopRules } from './stop-rules.ts';

export interface CharacterReplyOptions<Cache> {
  model: DecoderModel<Cache>;
  tokenizer: ChatTokenizer;
  /** The model's positions: the prompt is trimmed so prompt and reply fit. */
  contextLength: number;
  /** Ids that end a reply (the tokenizer's EOS and any the model's generation config adds). */
  eosIds: readonly number[];
  character: PromptCharacter;
  /** The chat so far, oldest first; the reply answers its end (the reply being continued excluded). */
  history: readonly PromptTurn[];
  settings: SamplerSettings;
  /**
   * The reply so far, to continue rather than start a new one: the prompt ends with it and what
   * the model writes is appended to it (`result.reply` is the whole reply, `appended` the new part).
   */
  partialReply?: string;
  cache?: PromptCache<Cache>;
  signal?: AbortSignal;
  /** The new text as it is written (for a continuation, only what is added to the reply so far). */
  onText?: (text: string) => void;
}

export interface CharacterReply {
  prompt: PreparedPrompt;
  result: GeneratedReply;
  /**
   * What this call added: the whole reply, or for a continuation the text after the reply so far
   * (starting with the space or punctuation that joins them), so a caller can append it to the text
   * it stored (which may hold `{{user}}` where the prompt said `You`).
   */
  appended: string;
}

/**
 * The character's next line for a chat: the one path from a history to a reply that `pygbox chat`
 * and the browser's chat page share. The prompt is rendered and trimmed by the prompt module (see
 * prepare-reply-prompt.ts), tokenized whole as the dataset's prompts were, and generated with the
 * reply stop rules (`\nYou:` or an end-of-sequence id); the reply is cut by parseReply.
 *
 * A continuation decodes as the reply so far followed by the new ids, so the stop rules, the
 * streaming hold-backs and parseReply see the whole reply, as they would have had it been written
 * in one go; only the part after the reply so far is streamed.
 */
export async function generateCharacterReply<Cache>(
  options: CharacterReplyOptions<Cache>,
): Promise<CharacterReply> {
  const prompt = prepareReplyPrompt(options.character, options.history, options.tokenizer, {
    contextLength: options.contextLength,
    maxNewTokens: options.settings.max_new_tokens,
    ...(options.partialReply === undefined ? {} : { partialReply: options.partialReply }),
  });
  const before = prompt.partialText;
  const shownBefore = before.trim();
  let toSkip = shownBefore.length;
  const onText = options.onText;
  const result = await generateReply({
    model: options.model,
    promptIds: prompt.ids,
    settings: options.settings,
    stop: replyStopRules(options.eosIds),
    decode:
      before === ''
        ? (ids) => options.tokenizer.decode(ids)
        : textAfter(before, options.tokenizer, prompt.ids),
    eosText: options.tokenizer.eosText,
    contextLength: options.contextLength,
    ...(options.cache === undefined ? {} : { cache: options.cache }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(onText === undefined
      ? {}
      : {
          onText: (text: string) => {
            // The stream starts with the reply so far (already on screen): pass on what follows it.
            const skipped = Math.min(toSkip, text.length);
            toSkip -= skipped;
            if (skipped < text.length) onText(text.slice(skipped));
          },
        }),
  });
  const appended = result.reply.startsWith(shownBefore) ? result.reply.slice(shownBefore.length) : '';
  return { prompt, result, appended };
}

/**
 * Decodes the ids written after a reply so far (`before`, which ends the prompt) into the whole
 * reply. The new ids are decoded after the prompt's last id and that id's own text is cut off
 * again: decoded alone, a SentencePiece tokenizer (Llama's) drops the space the first new token
 * starts with, gluing the first new word to the last old one. Should a decoder's clean-up change
 * the text at the join, the new ids are decoded alone.
 */
function textAfter(
  before: string,
  tokenizer: ChatTokenizer,
  promptIds: readonly number[],
): (ids: readonly number[]) => string {
  const last = promptIds.slice(-1);
  const lastText = tokenizer.decode(last);
  return (ids) => {
    const joined = tokenizer.decode([...last, ...ids]);
    const added =
      lastText !== '' && joined.startsWith(lastText) ? joined.slice(lastText.length) : tokenizer.decode(ids);
    return before + added;
  };
}
