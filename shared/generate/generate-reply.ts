import { PygboxError } from '../errors/pygbox-error.ts';
import { parseReply } from '../prompt/parse-reply.ts';
import type { DecoderModel } from './decoder-model.ts';
import type { PromptCache } from './prompt-cache.ts';
import { ReplyStream } from './reply-stream.ts';
import { sampleNextToken } from './sample-next-token.ts';
import type { SamplerSettings } from './sampler-settings.ts';
import { freshSeed, seededRandom } from './seeded-random.ts';
import type { StopRules } from './stop-rules.ts';

export interface GenerateReplyOptions<Cache> {
  model: DecoderModel<Cache>;
  /** The rendered prompt's ids, the tokenizer's special prefix included. */
  promptIds: readonly number[];
  settings: SamplerSettings;
  stop: StopRules;
  /** Decodes ids to text (special tokens kept: stop rules see what the model wrote). */
  decode: (ids: readonly number[]) => string;
  /** The end-of-sequence token's text, for parseReply. */
  eosText?: string;
  /** Reused across turns when given (see prompt-cache.ts); the cache after this reply is kept in it. */
  cache?: PromptCache<Cache>;
  /** The model's context length: generation stops before prompt and reply outgrow it. */
  contextLength?: number;
  /** Stops generation after the current token; the reply so far is kept, as the stop button wants. */
  signal?: AbortSignal;
  /** Receives the reply as it grows, in pieces that are never taken back (see reply-stream.ts). */
  onText?: (text: string) => void;
}

export type StopReason = 'eos' | 'stop-string' | 'length' | 'aborted';

export interface GeneratedReply {
  /** The reply as shared/prompt's parseReply cuts it: what the chat shows and stores. */
  reply: string;
  /** Everything the model wrote, a stop string included; the end-of-sequence token left out. */
  rawText: string;
  /** The ids the model drew, end-of-sequence excluded. */
  tokenIds: number[];
  stopReason: StopReason;
  promptTokens: number;
  /** Prompt ids whose keys and values came from the previous turn's cache. */
  reusedTokens: number;
  seed: number;
  /** Milliseconds from the call to the first drawn token (prefill), and to the end. */
  firstTokenMs: number;
  totalMs: number;
}

/**
 * One character reply: the prompt runs (after the cached part, if the cache still fits), then one
 * token at a time is drawn with the sampler, until an end-of-sequence id, a stop string, the length
 * limit or the abort signal. Each token's text is streamed through ReplyStream, and the kept reply
 * is parsed by the prompt module, the same cut the dataset used.
 */
export async function generateReply<Cache>(options: GenerateReplyOptions<Cache>): Promise<GeneratedReply> {
  const { model, promptIds, settings, stop, decode } = options;
  if (promptIds.length === 0) {
    throw new PygboxError('usage', 'the prompt is empty', { hint: 'render a prompt before generating' });
  }
  const started = performance.now();
  const seed = settings.seed ?? freshSeed();
  const random = seededRandom(seed);
  const stream = new ReplyStream(stop.stopStrings);
  const context = [...promptIds];
  const generated: number[] = [];
  let covered = 0;
  const result = (stopReason: StopReason, rawText: string, firstTokenMs: number): GeneratedReply => ({
    reply: parseReply(rawText, options.eosText === undefined ? {} : { eosText: options.eosText }),
    rawText,
    tokenIds: generated,
    stopReason,
    promptTokens: promptIds.length,
    reusedTokens: covered,
    seed,
    firstTokenMs,
    totalMs: performance.now() - started,
  });
  if (isAborted(options.signal)) return result('aborted', '', 0);

  if (options.contextLength !== undefined && promptIds.length >= options.contextLength) {
    throw new PygboxError('usage', `the prompt (${promptIds.length} tokens) fills the model's context`, {
      place: { field: 'contextLength' },
      hint: `the model has ${options.contextLength} positions: trim the prompt (prepareReplyPrompt does) so the reply has room`,
    });
  }

  const taken = options.cache === undefined ? undefined : await options.cache.take(promptIds);
  covered = taken?.covered ?? 0;
  let step = await model.forward(promptIds.slice(covered), taken?.cache);
  // The ids the current cache covers: the last drawn token is only fed on the next step.
  let fed = promptIds.length;
  let firstTokenMs = 0;
  let stopReason: StopReason;
  let rawText = '';
  // False while a forward call holds the cache: the model consumes (and on failure frees) it.
  let holdingCache = true;
  try {
    for (;;) {
      const next = sampleNextToken(step.logits, context, settings, random);
      if (generated.length === 0) firstTokenMs = performance.now() - started;
      if (stop.eosIds.includes(next)) {
        stopReason = 'eos';
        break;
      }
      generated.push(next);
      context.push(next);
      rawText = decode(generated);
      const piece = stream.push(rawText);
      if (piece.text !== '') options.onText?.(piece.text);
      if (piece.stopped) {
        stopReason = 'stop-string';
        break;
      }
      if (generated.length >= settings.max_new_tokens) {
        stopReason = 'length';
        break;
      }
      if (options.contextLength !== undefined && context.length >= options.contextLength) {
        stopReason = 'length';
        break;
      }
      if (isAborted(options.signal)) {
        stopReason = 'aborted';
        break;
      }
      holdingCache = false;
      step = await model.forward([next], step.cache);
      holdingCache = true;
      fed += 1;
    }
    if (stopReason !== 'stop-string') {
      const piece = stream.push(rawText, true);
      if (piece.text !== '') options.onText?.(piece.text);
    }
  } catch (error) {
    // The sampler, the decoder or the caller's onText failed between forward calls: the cache in
    // hand is ours to free (a failing forward frees the one it was given). On WebGPU it holds GPU
    // buffers that garbage collection never returns.
    if (holdingCache) await model.disposeCache(step.cache);
    throw error;
  }
  if (options.cache === undefined) await model.disposeCache(step.cache);
  else await options.cache.keep(step.cache, context.slice(0, fed));
  return result(stopReason, rawText, firstTokenMs);
}

/** A function, not an inline check: TypeScript would narrow `aborted` to false across the awaits. */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}
