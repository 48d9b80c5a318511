import { pipeline, TextStreamer } from '@huggingface/transformers';
import { serveModelFiles } from '../../extension/inference/configure-transformers.ts';
import { loadBrowserModel } from '../../extension/inference/load-browser-model.ts';
import { generateReply } from '../../shared/generate/generate-reply.ts';
import { PromptCache } from '../../shared/generate/prompt-cache.ts';
import { SAMPLER_PRESETS } from '../../shared/generate/sampler-presets.ts';
import type { SamplerSettings } from '../../shared/generate/sampler-settings.ts';
import {
  MODEL_MANIFEST_PATH,
  type ModelDtype,
  modelManifestSchema,
} from '../../shared/model/model-manifest.ts';
import { opfsModelCopy } from '../../tests/support/onnx-web-page/opfs-model-copy.ts';

/**
 * The page side of bench/browser-chat.bench.ts. `installModel` copies the model folder shipped
 * beside the page into OPFS (as the models page stores an import). `benchDtype` then measures one
 * dtype on WASM, two turns each: our loop (loadBrowserModel + shared/generate's generateReply with
 * a PromptCache, greedy) and stock transformers.js (`pipeline('text-generation')`, greedy, a
 * streamer timing each token), on the same model files and the same prompt.
 */

const model = opfsModelCopy('bench-model');
const opfsFiles = model.files;
const installModel = model.install;

export interface TurnFigures {
  promptTokens: number;
  reusedTokens: number;
  newTokens: number;
  /** From the call (text in hand) to the first new token: tokenizing and the prefill. */
  firstTokenMs: number;
  /** New tokens after the first, per second of the time after the first. */
  decodeTokensPerSecond: number;
  ids: number[];
}

const GREEDY: SamplerSettings = {
  temperature: 0,
  top_k: 0,
  top_p: 1,
  min_p: 0,
  typical_p: 1,
  repetition_penalty: 1,
  repetition_penalty_range: 0,
  max_new_tokens: 32,
  seed: 1,
};

async function manifestFromOpfs() {
  const blob = await opfsFiles.read(MODEL_MANIFEST_PATH);
  if (blob === undefined) throw new Error('install the model first');
  return modelManifestSchema.parse(JSON.parse(await blob.text()));
}

async function ourLoop(dtype: ModelDtype, firstPrompt: string, nextLine: string, newTokens: number) {
  const started = performance.now();
  const model = await loadBrowserModel({
    modelId: 'bench',
    manifest: await manifestFromOpfs(),
    files: opfsFiles,
    device: 'wasm',
    dtype,
  });
  const loadMs = performance.now() - started;
  const cache = new PromptCache(model.decoder);
  const settings = { ...GREEDY, max_new_tokens: newTokens };
  // No stop: every turn draws exactly `newTokens`, as the stock run does with min_new_tokens.
  const stop = { eosIds: [], stopStrings: [] };
  const turn = async (promptIds: () => number[], turnSettings = settings): Promise<TurnFigures> => {
    const begun = performance.now();
    const ids = promptIds();
    const encodeMs = performance.now() - begun;
    const reply = await generateReply({
      model: model.decoder,
      promptIds: ids,
      settings: turnSettings,
      stop,
      decode: (tokens) => model.tokenizer.decode(tokens),
      cache,
      contextLength: model.contextLength,
    });
    const decodeMs = reply.totalMs - reply.firstTokenMs;
    return {
      promptTokens: ids.length,
      reusedTokens: reply.reusedTokens,
      newTokens: reply.tokenIds.length,
      firstTokenMs: encodeMs + reply.firstTokenMs,
      decodeTokensPerSecond: ((reply.tokenIds.length - 1) * 1000) / decodeMs,
      ids: reply.tokenIds,
    };
  };
  try {
    const firstIds = model.tokenizer.encodeWithSpecials(firstPrompt);
    const first = await turn(() => firstIds);
    // The next turn's prompt is the last one, the reply and the user's new line: the chat page's
    // shape, built from ids so the cached prefix matches whatever the random model wrote.
    const laterIds = [...firstIds, ...first.ids, ...model.tokenizer.encode(nextLine)];
    const later = await turn(() => laterIds);
    // A third turn with the chat page's default sampler (top-k, top-p, repetition penalty over the
    // vocabulary each token): what sampling costs on top of greedy. Stock has no equivalent.
    const balanced = { ...SAMPLER_PRESETS.balanced, max_new_tokens: newTokens, seed: 1 };
    const sampled = await turn(
      () => [...laterIds, ...later.ids, ...model.tokenizer.encode(nextLine)],
      balanced,
    );
    await cache.clear();
    return { loadMs, runtime: model.runtime, first, later, sampled };
  } finally {
    await model.dispose();
  }
}

/**
 * Records when generate() hands over each id: the first put is the prompt, then one per token.
 * A TextStreamer (the type generate() takes) that does not decode: the timing is of generation.
 */
class TimingStreamer extends TextStreamer {
  readonly times: number[] = [];
  readonly ids: number[] = [];
  override put(value: bigint[][]): void {
    this.times.push(performance.now());
    if (this.times.length > 1) this.ids.push(Number(value[0]?.[0] ?? -1n));
  }
  override end(): void {}
}

async function stockPipeline(dtype: ModelDtype, firstPrompt: string, nextLine: string, newTokens: number) {
  const started = performance.now();
  const served = serveModelFiles('bench', opfsFiles);
  const generator = await pipeline('text-generation', served.modelKey, { dtype, device: 'wasm' });
  served.release();
  const loadMs = performance.now() - started;
  const turns: TurnFigures[] = [];
  try {
    let prompt = firstPrompt;
    for (let turn = 0; turn < 2; turn++) {
      const streamer = new TimingStreamer(generator.tokenizer);
      const begun = performance.now();
      await generator(prompt, {
        max_new_tokens: newTokens,
        min_new_tokens: newTokens,
        do_sample: false,
        streamer,
      });
      const [, first, ...rest] = streamer.times;
      const last = rest.at(-1) ?? first ?? begun;
      turns.push({
        promptTokens: (generator.tokenizer.encode(prompt) as number[]).length,
        reusedTokens: 0,
        newTokens: streamer.ids.length,
        firstTokenMs: (first ?? begun) - begun,
        decodeTokensPerSecond: (rest.length * 1000) / (last - (first ?? begun)),
        ids: streamer.ids,
      });
      // The chat's next prompt: this one, the reply and the user's new line (as ours builds it).
      prompt = `${prompt}${generator.tokenizer.decode(streamer.ids)}${nextLine}`;
    }
  } finally {
    await generator.dispose();
  }
  return { loadMs, turns };
}

/** `oursFirst` alternates between repeats, so neither side always runs on a colder page. */
async function benchDtype(request: {
  dtype: ModelDtype;
  prompt: string;
  nextLine: string;
  newTokens: number;
  oursFirst: boolean;
}) {
  const { dtype, prompt, nextLine, newTokens } = request;
  if (request.oursFirst) {
    const ours = await ourLoop(dtype, prompt, nextLine, newTokens);
    return { ours, stock: await stockPipeline(dtype, prompt, nextLine, newTokens) };
  }
  const stock = await stockPipeline(dtype, prompt, nextLine, newTokens);
  return { ours: await ourLoop(dtype, prompt, nextLine, newTokens), stock };
}

/**
 * Decode speed only, both loops loaded side by side and run in alternation (`rounds` times each,
 * the order flipping every round), so a busy machine slows both alike: the A/B the per-turn table
 * cannot give on a shared 2-core box. Each generation is a cold prompt of `newTokens` greedy tokens.
 */
async function decodeAb(request: { dtype: ModelDtype; prompt: string; newTokens: number; rounds: number }) {
  const { dtype, prompt, newTokens } = request;
  const model = await loadBrowserModel({
    modelId: 'bench',
    manifest: await manifestFromOpfs(),
    files: opfsFiles,
    device: 'wasm',
    dtype,
  });
  const served = serveModelFiles('bench', opfsFiles);
  const generator = await pipeline('text-generation', served.modelKey, { dtype, device: 'wasm' });
  served.release();
  const promptIds = model.tokenizer.encodeWithSpecials(prompt);
  const runOurs = async () => {
    const reply = await generateReply({
      model: model.decoder,
      promptIds,
      settings: { ...GREEDY, max_new_tokens: newTokens },
      stop: { eosIds: [], stopStrings: [] },
      decode: (tokens) => model.tokenizer.decode(tokens),
    });
    return ((reply.tokenIds.length - 1) * 1000) / (reply.totalMs - reply.firstTokenMs);
  };
  const runStock = async () => {
    const streamer = new TimingStreamer(generator.tokenizer);
    await generator(prompt, {
      max_new_tokens: newTokens,
      min_new_tokens: newTokens,
      do_sample: false,
      streamer,
    });
    const [, first, ...rest] = streamer.times;
    return (rest.length * 1000) / ((rest.at(-1) ?? 0) - (first ?? 0));
  };
  const ours: number[] = [];
  const stock: number[] = [];
  try {
    for (let round = 0; round < request.rounds; round++) {
      if (round % 2 === 0) {
        ours.push(await runOurs());
        stock.push(await runStock());
      } else {
        stock.push(await runStock());
        ours.push(await runOurs());
      }
    }
  } finally {
    await model.dispose();
    await generator.dispose();
  }
  return { ours, stock };
}

Reflect.set(window, 'installModel', installModel);
Reflect.set(window, 'decodeAb', decodeAb);
Reflect.set(window, 'benchDtype', benchDtype);
Reflect.set(window, 'benchReady', true);
