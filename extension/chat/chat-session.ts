import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import { generateCharacterReply } from '../../shared/generate/generate-character-reply.ts';
import type { GeneratedReply } from '../../shared/generate/generate-reply.ts';
import type { PreparedPrompt } from '../../shared/generate/prepare-reply-prompt.ts';
import { PromptCache } from '../../shared/generate/prompt-cache.ts';
import type { SamplerSettings } from '../../shared/generate/sampler-settings.ts';
import type { LocalCharacter } from '../../shared/local-chat/local-character.ts';
import type { LocalChat, LocalSwipe } from '../../shared/local-chat/local-chat.ts';
import type { LocalChatStore } from '../../shared/local-chat/local-chat-store.ts';
import type { PromptTurn } from '../../shared/prompt/prompt-format.ts';
import {
  addSwipe,
  appendCharMessage,
  appendUserMessage,
  browseSwipe,
  deleteMessage,
  editMessage,
  generatedSwipeCount,
  promptHistory,
  replaceSelectedSwipe,
  toggleRating,
} from './chat-edits.ts';
import type { ChatModel } from './chat-model.ts';
import { promptCharacter } from './prompt-character.ts';
import { seedForReply } from './sampler-choice.ts';

export type GenerationKind = 'send' | 'regenerate' | 'continue';

export interface GenerationCallbacks {
  /**
   * Generation is starting: `chat` is what to show meanwhile (a send's message, an empty reply or
   * swipe being written at `index`; for a continuation the reply as it stands), never saved as is.
   */
  onStart?: (chat: LocalChat, index: number) => void;
  /** The reply's new text, in pieces never taken back (the stop string and its prefix held back). */
  onText?: (text: string) => void;
}

export interface GenerationOutcome {
  kind: GenerationKind;
  /** The prompt exactly as the model was sent it (text and ids). */
  prompt: PreparedPrompt;
  result: GeneratedReply;
  /** False when the model wrote nothing: then no message or swipe was added. */
  added: boolean;
}

export interface ChatSessionOptions {
  store: LocalChatStore;
  character: LocalCharacter;
  chat: LocalChat;
  /** Names of the installed models by id, for the preference records (the loaded one is added). */
  modelNames?: Record<string, string>;
  /** The clock, for swipe and chat times. */
  now?: () => string;
}

/**
 * One open chat on the chat page: the chat, its character, the loaded model and the KV cache kept
 * between turns, and every operation the page offers. Each change is saved through the local chat
 * store before it counts (the store also rebuilds the chat's preference records); a failed
 * generation or save leaves the chat as it was. Whether the cache is reused is left wholly to
 * PromptCache's prefix rule: an edit, a delete, a swipe, a regenerate or a trimmed history changes
 * the prompt's start, so the cache is dropped without any bookkeeping here that could drift.
 */
export class ChatSession<Cache> {
  private current: LocalChat;
  private currentCharacter: LocalCharacter;
  private model: ChatModel<Cache> | undefined;
  private cache: PromptCache<Cache> | undefined;
  /** The generation being written: its stop switch, and a promise settled once it has ended. */
  private running: { controller: AbortController; ended: Promise<void> } | undefined;
  private modelNames: Record<string, string>;
  private readonly store: LocalChatStore;
  private readonly now: () => string;
  /** The last generation's prompt and result, for the page's stats and "Prompt sent". */
  lastGeneration: GenerationOutcome | undefined;

  constructor(options: ChatSessionOptions) {
    this.store = options.store;
    this.current = options.chat;
    this.currentCharacter = options.character;
    this.modelNames = { ...(options.modelNames ?? {}) };
    this.now = options.now ?? (() => new Date().toISOString());
  }

  get chat(): LocalChat {
    return this.current;
  }

  get character(): LocalCharacter {
    return this.currentCharacter;
  }

  get generating(): boolean {
    return this.running !== undefined;
  }

  get loadedModel(): ChatModel<Cache> | undefined {
    return this.model;
  }

  /** Swaps the model (or unloads it): the old model's cache is freed, a new one starts empty. */
  async setModel(model: ChatModel<Cache> | undefined): Promise<void> {
    this.requireIdle();
    await this.cache?.clear();
    this.model = model;
    this.cache = model === undefined ? undefined : new PromptCache(model.decoder);
  }

  /** The character after an edit in the editor; the next prompt shows it (and so runs whole). */
  setCharacter(character: LocalCharacter): void {
    if (character.id !== this.current.characterId) {
      throw new PygboxError('usage', 'this character does not belong to the open chat', {
        place: { field: 'characterId' },
      });
    }
    this.currentCharacter = character;
  }

  setModelNames(names: Record<string, string>): void {
    this.modelNames = { ...names };
  }

  /**
   * Stops any reply being written, waits for it to end (what it wrote is saved, as by Stop) and
   * frees the cache (a new chat, the character deleted, the page closing). The wait matters: a
   * generation holds the cache while it runs and puts it back when it ends, so freeing it earlier
   * would leave that put-back cache (GPU buffers) to no one, and its save could land after the
   * caller went on to delete the chat.
   */
  async close(): Promise<void> {
    const running = this.running;
    if (running !== undefined) {
      running.controller.abort();
      await running.ended;
    }
    await this.cache?.clear();
  }

  /** Stops the reply being written; what was written is kept. False when nothing runs. */
  stop(): boolean {
    if (this.running === undefined) return false;
    this.running.controller.abort();
    return true;
  }

  /** The user says `text`; the character answers. On failure the chat is as before (the message too). */
  async send(
    text: string,
    settings: SamplerSettings,
    callbacks: GenerationCallbacks = {},
  ): Promise<GenerationOutcome> {
    if (text.trim() === '') {
      throw new PygboxError('usage', 'the message is empty', { place: { field: 'message' } });
    }
    const before = this.current;
    const withUser = appendUserMessage(before, text, this.now());
    const index = withUser.messages.length;
    return this.generate('send', settings, callbacks, {
      history: promptHistory(withUser),
      shown: appendCharMessage(withUser, pendingSwipe(this.now()), this.now()),
      index,
      finish: (swipe) => (swipe === undefined ? withUser : appendCharMessage(withUser, swipe, this.now())),
    });
  }

  /**
   * A new reply in the last place: another swipe on the last character message (the earlier ones
   * kept, the new one shown), or a first reply when the chat ends with the user's message.
   */
  async regenerate(
    settings: SamplerSettings,
    callbacks: GenerationCallbacks = {},
  ): Promise<GenerationOutcome> {
    const before = this.current;
    const last = before.messages.at(-1);
    const index = before.messages.length - 1;
    if (last?.role === 'char') {
      return this.generate('regenerate', settings, callbacks, {
        history: promptHistory(before, index),
        shown: addSwipe(before, index, pendingSwipe(this.now()), this.now()),
        index,
        finish: (swipe) => (swipe === undefined ? before : addSwipe(before, index, swipe, this.now())),
      });
    }
    return this.generate('regenerate', settings, callbacks, {
      history: promptHistory(before),
      shown: appendCharMessage(before, pendingSwipe(this.now()), this.now()),
      index: before.messages.length,
      finish: (swipe) => (swipe === undefined ? before : appendCharMessage(before, swipe, this.now())),
    });
  }

  /** The model writes on from the end of the last reply; the text is appended to the shown swipe. */
  async continueReply(
    settings: SamplerSettings,
    callbacks: GenerationCallbacks = {},
  ): Promise<GenerationOutcome> {
    const before = this.current;
    const index = before.messages.length - 1;
    const last = before.messages[index];
    const swipe = last?.swipes[last.selected];
    if (last?.role !== 'char' || swipe === undefined) {
      throw new PygboxError('usage', 'there is no reply to continue', {
        hint: 'the last message must be the character’s: send a message or regenerate first',
      });
    }
    return this.generate('continue', settings, callbacks, {
      history: promptHistory(before, index),
      partialReply: swipe.text,
      shown: before,
      index,
      finish: (generated, appended) =>
        generated === undefined
          ? before
          : replaceSelectedSwipe(
              before,
              index,
              // The rating judged the shorter text, so it goes; the reply now answers this prompt.
              {
                ...swipe,
                text: swipe.text.trimEnd() + appended,
                rating: null,
                modelId: generated.modelId,
                prompt: generated.prompt,
              },
              this.now(),
            ),
    });
  }

  async browse(index: number, step: -1 | 1): Promise<LocalChat> {
    return this.change((chat) => browseSwipe(chat, index, step, this.now()));
  }

  async edit(index: number, text: string): Promise<LocalChat> {
    return this.change((chat) => editMessage(chat, index, text, this.now()));
  }

  async remove(index: number): Promise<LocalChat> {
    return this.change((chat) => deleteMessage(chat, index, this.now()));
  }

  async rate(index: number, rating: 'up' | 'down'): Promise<LocalChat> {
    return this.change((chat) => toggleRating(chat, index, rating, this.now()));
  }

  private async change(edit: (chat: LocalChat) => LocalChat): Promise<LocalChat> {
    this.requireIdle();
    const next = edit(this.current);
    if (next === this.current) return next;
    return this.save(next);
  }

  private async save(chat: LocalChat): Promise<LocalChat> {
    // The chat may be open in another tab too: a save over one made there would silently drop its
    // messages, so a chat that is no longer as this session last stored it is not overwritten.
    // Compared whole, not by updatedAt (two tabs can change it within one millisecond); both sides
    // are the store's parse of a row, so their keys come in the schema's order.
    const stored = await this.store.getChat(chat.id);
    if (stored === undefined || JSON.stringify(stored) !== JSON.stringify(this.current)) {
      throw new PygboxError('store-failed', 'this chat was changed or deleted in another tab', {
        place: { field: 'updatedAt' },
        hint: 'reload the page to see the chat as it is stored, then try again',
      });
    }
    const names =
      this.model === undefined ? this.modelNames : { ...this.modelNames, [this.model.id]: this.model.name };
    this.current = await this.store.saveChat(chat, names);
    return this.current;
  }

  private async generate(
    kind: GenerationKind,
    sampler: SamplerSettings,
    callbacks: GenerationCallbacks,
    plan: {
      history: PromptTurn[];
      partialReply?: string;
      shown: LocalChat;
      index: number;
      /** The chat to keep: with the new swipe, or without when the model wrote nothing. */
      finish: (swipe: LocalSwipe | undefined, appended: string) => LocalChat;
    },
  ): Promise<GenerationOutcome> {
    this.requireIdle();
    const model = this.model;
    const cache = this.cache;
    if (model === undefined || cache === undefined) {
      throw new PygboxError('usage', 'no model is loaded', { hint: 'choose a model and press Load first' });
    }
    const controller = new AbortController();
    let markEnded = (): void => {};
    const ended = new Promise<void>((resolve) => {
      markEnded = resolve;
    });
    this.running = { controller, ended };
    try {
      callbacks.onStart?.(plan.shown, plan.index);
      const reply = await generateCharacterReply({
        model: model.decoder,
        tokenizer: model.tokenizer,
        contextLength: model.contextLength,
        eosIds: model.eosIds,
        character: promptCharacter(this.currentCharacter),
        history: plan.history,
        settings: seedForReply(sampler, generatedSwipeCount(this.current)),
        cache,
        signal: controller.signal,
        ...(plan.partialReply === undefined ? {} : { partialReply: plan.partialReply }),
        ...(callbacks.onText === undefined ? {} : { onText: callbacks.onText }),
      });
      const { prompt, result, appended } = reply;
      const written = appended.trim() !== '';
      const swipe: LocalSwipe | undefined = written
        ? {
            text: kind === 'continue' ? appended : result.reply,
            rating: null,
            modelId: model.id,
            // The prompt the reply answers: for a continuation, without the reply so far.
            prompt: prompt.text.slice(0, prompt.text.length - prompt.partialText.length),
            createdAt: this.now(),
          }
        : undefined;
      const outcome: GenerationOutcome = { kind, prompt, result, added: written };
      // A send keeps the user's message even when the model wrote nothing (stopped at once).
      const next = plan.finish(swipe, appended);
      if (next !== this.current) await this.save(next);
      this.lastGeneration = outcome;
      return outcome;
    } finally {
      this.running = undefined;
      markEnded();
    }
  }

  private requireIdle(): void {
    if (this.running !== undefined) {
      throw new PygboxError('usage', 'a reply is being written', { hint: 'wait for it, or press Stop' });
    }
  }
}

/** The swipe shown while a reply is written: empty, never saved. */
function pendingSwipe(now: string): LocalSwipe {
  return { text: '', rating: null, modelId: null, prompt: null, createdAt: now };
}
