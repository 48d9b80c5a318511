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
  /** The chat so far, oldest first; the reply answers its end. */
  history: readonly PromptTurn[];
  settings: SamplerSettings;
  cache?: PromptCache<Cache>;
  signal?: AbortSignal;
  onText?: (text: string) => void;
}

/**
 * The character's next line for a chat: the one path from a history to a reply that `pygbox chat`
 * and the browser's chat page share. The prompt is rendered and trimmed by the prompt module (see
 * prepare-reply-prompt.ts), tokenized whole as the dataset's prompts were, and generated with the
 * reply stop rules (`\nYou:` or an end-of-sequence id); the reply is cut by parseReply.
 */
export async function generateCharacterReply<Cache>(
  options: CharacterReplyOptions<Cache>,
): Promise<{ prompt: PreparedPrompt; result: GeneratedReply }> {
  const prompt = prepareReplyPrompt(options.character, options.history, options.tokenizer, {
    contextLength: options.contextLength,
    maxNewTokens: options.settings.max_new_tokens,
  });
  const result = await generateReply({
    model: options.model,
    promptIds: prompt.ids,
    settings: options.settings,
    stop: replyStopRules(options.eosIds),
    decode: (ids) => options.tokenizer.decode(ids),
    eosText: options.tokenizer.eosText,
    contextLength: options.contextLength,
    ...(options.cache === undefined ? {} : { cache: options.cache }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.onText === undefined ? {} : { onText: options.onText }),
  });
  return { prompt, result };
}
