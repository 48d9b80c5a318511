import type { ChatTokenizer } from '../../../shared/generate/chat-tokenizer.ts';
import type { DecoderModel } from '../../../shared/generate/decoder-model.ts';

export interface SeenCache {
  seen: number[];
}

/**
 * A test double of the model driven by a script: `say(text)` queues the reply the next generation
 * writes (its real tokenizer ids, then end-of-sequence). The reply starts at the first forward call
 * after `say`, whatever that call feeds, so a reused cache and a whole prompt give the same reply.
 * Logits are one-hot on the scripted id, so greedy sampling writes exactly the script. Every call's
 * fed ids are recorded, and the cache is the ids seen so far, to check what the model was given.
 */
export class ScriptedModel implements DecoderModel<SeenCache> {
  readonly calls: { fed: number[]; cached: number }[] = [];
  disposed = 0;
  private queued: number[][] = [];
  private reply: { ids: number[]; start: number } | undefined;

  constructor(
    private readonly tokenizer: ChatTokenizer,
    private readonly vocabSize: number,
  ) {}

  say(text: string): void {
    this.queued.push([...this.tokenizer.encode(text), this.tokenizer.eosId]);
  }

  /** The forward calls of the last generation: from the call that started the last reply. */
  get lastGenerationCalls(): { fed: number[]; cached: number }[] {
    return this.calls.slice(this.generationStart);
  }

  private generationStart = 0;

  async forward(ids: readonly number[], cache: SeenCache | undefined) {
    const seen = [...(cache?.seen ?? []), ...ids];
    const next = this.queued.shift();
    if (next !== undefined) {
      this.reply = { ids: next, start: seen.length };
      this.generationStart = this.calls.length;
    }
    this.calls.push({ fed: [...ids], cached: cache?.seen.length ?? 0 });
    const logits = new Float32Array(this.vocabSize);
    const reply = this.reply;
    const id =
      reply === undefined
        ? this.tokenizer.eosId
        : (reply.ids[seen.length - reply.start] ?? this.tokenizer.eosId);
    logits[id] = 10;
    return { logits, cache: { seen } };
  }

  async disposeCache() {
    this.disposed += 1;
  }
}
