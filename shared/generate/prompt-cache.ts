import type { DecoderModel } from './decoder-model.ts';

/**
 * The KV cache kept between turns, with the ids it covers. The next turn's prompt usually begins
 * with the last prompt and the reply to it, so only the new lines need a forward pass: the slow
 * part on a CPU (prefill) shrinks to the user's message. It is reused only when the new prompt
 * starts with exactly the covered ids and goes on past them; any other prompt (an edited or
 * deleted message, a regenerated reply, history trimmed at the front to fit the context) means the
 * cached keys and values describe other text, so the cache is freed and the prompt runs whole.
 */
export class PromptCache<Cache> {
  private entry: { cache: Cache; ids: readonly number[] } | undefined;

  constructor(private readonly model: DecoderModel<Cache>) {}

  /** How many ids the kept cache covers (0 when there is none). */
  get coveredTokens(): number {
    return this.entry?.ids.length ?? 0;
  }

  /**
   * Hands the cache over for `promptIds` when it covers a proper prefix of them (the caller then
   * owns it and feeds `promptIds.slice(covered)`), else frees it. Either way the holder is empty.
   */
  async take(promptIds: readonly number[]): Promise<{ cache: Cache | undefined; covered: number }> {
    const entry = this.entry;
    this.entry = undefined;
    if (entry === undefined) return { cache: undefined, covered: 0 };
    if (entry.ids.length < promptIds.length && entry.ids.every((id, index) => promptIds[index] === id)) {
      return { cache: entry.cache, covered: entry.ids.length };
    }
    await this.model.disposeCache(entry.cache);
    return { cache: undefined, covered: 0 };
  }

  /** Keeps `cache`, which covers exactly `ids`, for the next turn (freeing any older one). */
  async keep(cache: Cache, ids: readonly number[]): Promise<void> {
    await this.clear();
    this.entry = { cache, ids: [...ids] };
  }

  /** Frees the kept cache (a new chat, another model, the page closing). */
  async clear(): Promise<void> {
    const entry = this.entry;
    this.entry = undefined;
    if (entry !== undefined) await this.model.disposeCache(entry.cache);
  }
}
