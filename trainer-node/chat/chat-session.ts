import type { DecoderModel } from '../../shared/generate/decoder-model.ts';
import { generateCharacterReply } from '../../shared/generate/generate-character-reply.ts';
import type { GeneratedReply } from '../../shared/generate/generate-reply.ts';
import type { PreparedPrompt } from '../../shared/generate/prepare-reply-prompt.ts';
import { PromptCache } from '../../shared/generate/prompt-cache.ts';
import type { SamplerSettings } from '../../shared/generate/sampler-settings.ts';
import { freshSeed } from '../../shared/generate/seeded-random.ts';
import type { TransformersCache } from '../../shared/generate/transformers-decoder.ts';
import type { PromptTurn } from '../../shared/prompt/prompt-format.ts';
import type { ChatCharacter } from './chat-character.ts';
import type { ChatModel } from './load-chat-model.ts';
import { recordForwardCalls } from './record-forward-calls.ts';

/** One reply as `--log-prompts` writes it: what was rendered, what the model was fed, what came out. */
export interface ChatTurnLog {
  prompt: string;
  promptIds: number[];
  /** The ids of each forward call, in order: after a reused cache the first holds only the new lines. */
  fed: number[][];
  reusedTokens: number;
  droppedTurns: number;
  tokenIds: number[];
  rawText: string;
  reply: string;
  stopReason: GeneratedReply['stopReason'];
  seed: number;
}

export interface ReplyOutcome {
  prompt: PreparedPrompt;
  result: GeneratedReply;
}

export interface ReplyCallbacks {
  onText?: (text: string) => void;
  signal?: AbortSignal;
}

/**
 * The terminal chat's state: the history (the greeting first, when there is one) and the KV cache
 * kept between turns. Each reply draws with its own seed (the base seed plus the reply's number),
 * so a seeded chat repeats exactly and /regen still gives a new reply.
 */
export class ChatSession {
  readonly history: PromptTurn[] = [];
  private readonly decoder: DecoderModel<TransformersCache>;
  private readonly cache: PromptCache<TransformersCache>;
  private readonly baseSeed: number;
  private replies = 0;
  private fed: number[][] = [];

  constructor(
    private readonly model: ChatModel,
    private readonly chat: ChatCharacter,
    private readonly settings: SamplerSettings,
    private readonly log?: (turn: ChatTurnLog) => void,
  ) {
    this.decoder = recordForwardCalls(model.decoder, (ids) => this.fed.push([...ids]));
    this.cache = new PromptCache(this.decoder);
    this.baseSeed = settings.seed ?? freshSeed();
    this.reset();
  }

  /** The seed of the first reply; reply n draws with seed + n. */
  get seed(): number {
    return this.baseSeed;
  }

  get characterName(): string {
    return this.chat.character.name;
  }

  get greeting(): string | undefined {
    return this.chat.greeting;
  }

  /**
   * The user says `text`; the character answers. If no reply comes (the message does not fit the
   * context, the model fails), the message is taken back, so the history stays the alternation
   * the prompt format expects and the user can try again.
   */
  async send(text: string, callbacks: ReplyCallbacks = {}): Promise<ReplyOutcome> {
    this.history.push({ role: 'user', text });
    try {
      return await this.generate(callbacks);
    } catch (error) {
      this.history.pop();
      throw error;
    }
  }

  /** Whether the last line is a generated reply (not nothing, not only the card's greeting). */
  get canRegenerate(): boolean {
    const isGreetingOnly = this.history.length === 1 && this.chat.greeting !== undefined;
    return this.history.at(-1)?.role === 'char' && !isGreetingOnly;
  }

  /** A new reply in place of the last one; undefined when there is none to replace. */
  async regenerate(callbacks: ReplyCallbacks = {}): Promise<ReplyOutcome | undefined> {
    if (!this.canRegenerate) return undefined;
    const replaced = this.history.pop();
    try {
      return await this.generate(callbacks);
    } catch (error) {
      if (replaced !== undefined) this.history.push(replaced);
      throw error;
    }
  }

  /** Back to the greeting alone. The cache goes too: the next prompt would not start with it. */
  reset(): void {
    this.history.length = 0;
    if (this.chat.greeting !== undefined) this.history.push({ role: 'char', text: this.chat.greeting });
    void this.cache.clear();
  }

  async close(): Promise<void> {
    await this.cache.clear();
  }

  private async generate(callbacks: ReplyCallbacks): Promise<ReplyOutcome> {
    const seed = (this.baseSeed + this.replies) % 0x1_0000_0000;
    this.replies += 1;
    this.fed = [];
    const outcome = await generateCharacterReply({
      model: this.decoder,
      tokenizer: this.model.tokenizer,
      contextLength: this.model.contextLength,
      eosIds: this.model.eosIds,
      character: this.chat.character,
      history: this.history,
      settings: { ...this.settings, seed },
      cache: this.cache,
      ...(callbacks.signal === undefined ? {} : { signal: callbacks.signal }),
      ...(callbacks.onText === undefined ? {} : { onText: callbacks.onText }),
    });
    this.log?.({
      prompt: outcome.prompt.text,
      promptIds: outcome.prompt.ids,
      fed: this.fed,
      reusedTokens: outcome.result.reusedTokens,
      droppedTurns: outcome.prompt.droppedTurns,
      tokenIds: outcome.result.tokenIds,
      rawText: outcome.result.rawText,
      reply: outcome.result.reply,
      stopReason: outcome.result.stopReason,
      seed,
    });
    // Last: a failure above (the log cannot be written) leaves the history as it was before.
    this.history.push({ role: 'char', text: outcome.result.reply });
    return outcome;
  }
}
