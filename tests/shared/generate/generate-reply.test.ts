import { describe, expect, it } from 'vitest';
import type { DecoderModel } from '../../../shared/generate/decoder-model.ts';
import { generateReply } from '../../../shared/generate/generate-reply.ts';
import { PromptCache } from '../../../shared/generate/prompt-cache.ts';
import { SAMPLER_PRESETS } from '../../../shared/generate/sampler-presets.ts';
import { replyStopRules } from '../../../shared/generate/stop-rules.ts';

/**
 * A test double of the model: a vocabulary of word pieces and a table saying which piece follows
 * which (the logits are one-hot on the table's entry for the last id), so greedy decoding writes
 * a known text. It records every forward call, and its cache is the list of ids it has seen, so a
 * test can check what the model saw with and without a reused cache.
 */
const VOCAB = ['</s>', ' Hello', ' there', '\n', 'You', ':', ' friend', ' Bye', 'Bot', ' hi', '!', ' more'];
const ID = Object.fromEntries(VOCAB.map((piece, id) => [piece, id])) as Record<string, number>;
const id = (piece: string) => ID[piece] ?? -1;
const decode = (ids: readonly number[]) => ids.map((index) => VOCAB[index] ?? '?').join('');

interface FakeCache {
  seen: number[];
}

class TableModel implements DecoderModel<FakeCache> {
  readonly calls: { fed: number[]; cached: number }[] = [];
  disposed = 0;
  constructor(private readonly next: Record<string, string>) {}

  async forward(ids: readonly number[], cache: FakeCache | undefined) {
    this.calls.push({ fed: [...ids], cached: cache?.seen.length ?? 0 });
    const seen = [...(cache?.seen ?? []), ...ids];
    const logits = new Float32Array(VOCAB.length);
    const following = this.next[VOCAB[seen.at(-1) ?? 0] ?? ''];
    if (following !== undefined) logits[id(following)] = 10;
    return { logits, cache: { seen } };
  }

  async disposeCache() {
    this.disposed += 1;
  }
}

const greedy = { ...SAMPLER_PRESETS.greedy, max_new_tokens: 20 };
const stop = replyStopRules([id('</s>')]);
const prompt = [id('</s>'), id('Bot'), id(':')];

describe('generateReply', () => {
  it('stops at the end-of-sequence id and leaves it out of the reply', async () => {
    const model = new TableModel({ ':': ' Hello', ' Hello': ' there', ' there': '</s>' });
    const result = await generateReply({ model, promptIds: prompt, settings: greedy, stop, decode });
    expect(result).toMatchObject({ reply: 'Hello there', stopReason: 'eos', promptTokens: 3 });
    expect(result.tokenIds).toEqual([id(' Hello'), id(' there')]);
    expect(model.disposed).toBe(1);
  });

  it('stops at \\nYou:, streams only the reply, and parses it with the prompt module', async () => {
    const chatty = new TableModel({
      ':': ' Hello',
      ' Hello': ' there',
      ' there': '\n',
      '\n': 'You',
      You: ':',
    });
    const streamed: string[] = [];
    const stopped = await generateReply({
      model: chatty,
      promptIds: prompt,
      settings: greedy,
      stop,
      decode,
      onText: (text) => streamed.push(text),
    });
    expect(stopped).toMatchObject({
      stopReason: 'stop-string',
      reply: 'Hello there',
      rawText: ' Hello there\nYou:',
    });
    expect(streamed.join('')).toBe('Hello there');
    expect(streamed.some((piece) => piece.includes('\n'))).toBe(false);
  });

  it('stops at max_new_tokens and between tokens when aborted, keeping the reply so far', async () => {
    const looping = { ':': ' more', ' more': ' more' };
    const long = await generateReply({
      model: new TableModel(looping),
      promptIds: prompt,
      settings: { ...greedy, max_new_tokens: 4 },
      stop,
      decode,
    });
    expect(long).toMatchObject({ stopReason: 'length', reply: 'more more more more' });
    const controller = new AbortController();
    let shown = '';
    const aborted = await generateReply({
      model: new TableModel(looping),
      promptIds: prompt,
      settings: greedy,
      stop,
      decode,
      signal: controller.signal,
      onText: (text) => {
        shown += text;
        if (shown.split(' ').length >= 2) controller.abort();
      },
    });
    expect(aborted.stopReason).toBe('aborted');
    expect(aborted.reply).toBe('more more');
    expect(shown).toBe(aborted.reply);
  });

  it('frees the cache it holds when a step fails, and refuses a prompt that fills the context', async () => {
    const model = new TableModel({ ':': ' more', ' more': ' more' });
    const failing = generateReply({
      model,
      promptIds: prompt,
      settings: greedy,
      stop,
      decode,
      onText: () => {
        throw new Error('the page went away');
      },
    });
    await expect(failing).rejects.toThrow('the page went away');
    expect(model.disposed).toBe(1);
    const tooLong = generateReply({
      model,
      promptIds: prompt,
      settings: greedy,
      stop,
      decode,
      contextLength: 3,
    });
    await expect(tooLong).rejects.toMatchObject({ code: 'usage', place: { field: 'contextLength' } });
    expect(model.calls).toHaveLength(1);
  });

  it('stops before the context fills', async () => {
    const result = await generateReply({
      model: new TableModel({ ':': ' more', ' more': ' more' }),
      promptIds: prompt,
      settings: greedy,
      stop,
      decode,
      contextLength: 5,
    });
    expect(result).toMatchObject({ stopReason: 'length', tokenIds: [id(' more'), id(' more')] });
  });
});

describe('KV-cache reuse across turns', () => {
  const table = {
    ':': ' Hello',
    ' Hello': '\n',
    '\n': 'You',
    You: ':',
    ' friend': '!',
    '!': '</s>',
    ' hi': ' Bye',
    ' Bye': '</s>',
  };

  it('feeds only the new ids when the prompt starts with what the cache covers, with the same reply', async () => {
    const model = new TableModel(table);
    const cache = new PromptCache(model);
    const first = await generateReply({ model, promptIds: prompt, settings: greedy, stop, decode, cache });
    expect(first.rawText).toBe(' Hello\nYou:');
    // Covered: the prompt and every drawn token but the last (':' was drawn, never fed).
    const covered = [...prompt, id(' Hello'), id('\n'), id('You')];
    expect(cache.coveredTokens).toBe(covered.length);
    const next = [...covered, id(':'), id(' friend'), id('\n'), id('Bot'), id(':')];
    model.calls.length = 0;
    const second = await generateReply({ model, promptIds: next, settings: greedy, stop, decode, cache });
    expect(second.reusedTokens).toBe(covered.length);
    expect(model.calls[0]).toEqual({ fed: next.slice(covered.length), cached: covered.length });

    const fresh = new TableModel(table);
    const uncached = await generateReply({ model: fresh, promptIds: next, settings: greedy, stop, decode });
    expect(fresh.calls[0]).toEqual({ fed: next, cached: 0 });
    expect(second.tokenIds).toEqual(uncached.tokenIds);
    expect(second.reply).toBe(uncached.reply);
  });

  it('drops the cache when the prompt no longer starts with it (edit, regenerate, trimmed history)', async () => {
    const model = new TableModel(table);
    const cache = new PromptCache(model);
    await generateReply({ model, promptIds: prompt, settings: greedy, stop, decode, cache });
    // Regenerate: the same prompt again is shorter than what the cache covers.
    model.calls.length = 0;
    const again = await generateReply({ model, promptIds: prompt, settings: greedy, stop, decode, cache });
    expect(again.reusedTokens).toBe(0);
    expect(model.calls[0]).toEqual({ fed: prompt, cached: 0 });
    expect(model.disposed).toBe(1);
    // Edited: differs inside the covered part.
    const edited = [id('</s>'), id('Bot'), id(' hi')];
    model.calls.length = 0;
    const afterEdit = await generateReply({
      model,
      promptIds: edited,
      settings: greedy,
      stop,
      decode,
      cache,
    });
    expect(afterEdit).toMatchObject({ reusedTokens: 0, reply: 'Bye' });
    expect(model.calls[0]).toEqual({ fed: edited, cached: 0 });
    expect(model.disposed).toBe(2);
    await cache.clear();
    expect(model.disposed).toBe(3);
    expect(cache.coveredTokens).toBe(0);
  });
});
