import { AutoModelForCausalLM, type PreTrainedModel } from '@huggingface/transformers';
import { z } from 'zod';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import type { ChatTokenizer } from '../../shared/generate/chat-tokenizer.ts';
import type { DecoderModel } from '../../shared/generate/decoder-model.ts';
import { chatTokenizerFromFiles } from '../../shared/generate/load-chat-tokenizer.ts';
import { type TransformersCache, transformersDecoder } from '../../shared/generate/transformers-decoder.ts';
import {
  generationConfigSchema,
  modelConfigSchema,
  modelContextLength,
  replyEosIds,
} from '../../shared/model/model-config.ts';
import type { ModelFileSource } from '../../shared/model/model-file-source.ts';
import { MODEL_FILES, type ModelManifest } from '../../shared/model/model-manifest.ts';
import { serveModelFiles } from './configure-transformers.ts';
import { detectGpu } from './detect-gpu.ts';
import {
  chooseRuntime,
  type DevicePreference,
  type DtypePreference,
  type GpuInfo,
  type RuntimeChoice,
} from './runtime-choice.ts';

export interface BrowserChatModel {
  decoder: DecoderModel<TransformersCache>;
  tokenizer: ChatTokenizer;
  /** Positions the model has: prompt and reply together fit in them. */
  contextLength: number;
  /** Every id that ends a reply: the tokenizer's EOS and the model's config's. */
  eosIds: number[];
  runtime: RuntimeChoice & { fellBack?: string /* why WebGPU was left, when it was */ };
  dispose(): Promise<void>;
}

export interface LoadBrowserModelRequest {
  modelId: string;
  manifest: ModelManifest;
  files: ModelFileSource;
  device: DevicePreference;
  dtype: DtypePreference;
  onProgress?: (progress: { file: string; loaded: number; total: number }) => void;
}

const progressSchema = z.looseObject({
  status: z.literal('progress'),
  file: z.string(),
  loaded: z.number(),
  total: z.number(),
});

const NO_GPU: GpuInfo = { available: false, shaderF16: false };

/**
 * An installed model, ready to generate in this page: the runtime chosen by `chooseRuntime`, the
 * ONNX session made by transformers.js from the model's own files (see configure-transformers.ts:
 * nothing fetched, nothing cached), and the tokenizer built from its tokenizer files by the loader
 * the dataset used, so a prompt gets the ids training gave it.
 *
 * WebGPU can fail where the adapter looked fine (a driver, an op without a kernel, memory): the
 * session is created and run once on a single token before it is handed out, and when either fails
 * on WebGPU the model is loaded again on WASM with `runtime.fellBack` saying why.
 */
export async function loadBrowserModel(request: LoadBrowserModelRequest): Promise<BrowserChatModel> {
  const { manifest, files } = request;
  const gpu = request.device === 'wasm' ? NO_GPU : await detectGpu();
  const choice = chooseRuntime(gpu, manifest.dtypes, { device: request.device, dtype: request.dtype });

  const config = modelConfigSchema.safeParse(await readJson(files, 'config.json', true));
  if (!config.success) throw unexpected('config.json', config.error);
  const generationJson = await readJson(files, 'generation_config.json', false);
  const generation = generationConfigSchema.safeParse(generationJson ?? {});
  if (!generation.success) throw unexpected('generation_config.json', generation.error);
  const tokenizer = chatTokenizerFromFiles(
    await readText(files, 'tokenizer.json'),
    await readText(files, 'tokenizer_config.json'),
    { tokenizerJson: 'tokenizer.json', tokenizerConfig: 'tokenizer_config.json' },
  );
  const contextLength = modelContextLength(config.data, 'config.json');
  const eosIds = replyEosIds(tokenizer.eosId, config.data, generation.data);
  const probeIds = tokenizer.prefixIds.length > 0 ? [...tokenizer.prefixIds] : [tokenizer.eosId];

  let runtime: BrowserChatModel['runtime'] = choice;
  let model: PreTrainedModel;
  try {
    model = await loadAndProbe(request, choice, probeIds);
  } catch (error) {
    if (choice.device !== 'webgpu') throw error;
    const wasm = chooseRuntime(NO_GPU, manifest.dtypes, {
      device: 'wasm',
      dtype: request.dtype === 'auto' ? 'auto' : choice.dtype,
    });
    runtime = { ...wasm, fellBack: `WebGPU failed (${failureWords(error)}); running on WASM` };
    model = await loadAndProbe(request, wasm, probeIds);
  }
  return {
    decoder: transformersDecoder(model),
    tokenizer,
    contextLength,
    eosIds,
    runtime,
    async dispose() {
      await model.dispose();
    },
  };
}

/** Creates the session for one runtime and runs one step on it, so a broken backend fails here. */
async function loadAndProbe(
  request: LoadBrowserModelRequest,
  choice: RuntimeChoice,
  probeIds: readonly number[],
): Promise<PreTrainedModel> {
  const file = MODEL_FILES[choice.dtype];
  const served = serveModelFiles(request.modelId, request.files);
  let model: PreTrainedModel;
  try {
    model = await AutoModelForCausalLM.from_pretrained(served.modelKey, {
      dtype: choice.dtype,
      device: choice.device,
      local_files_only: true,
      progress_callback: (info: unknown) => {
        const progress = progressSchema.safeParse(info);
        if (progress.success && request.onProgress !== undefined) {
          const { file: path, loaded, total } = progress.data;
          request.onProgress({ file: path, loaded, total });
        }
      },
    });
  } catch (cause) {
    throw new PygboxError(
      'input-unreadable',
      `the ${choice.dtype} model could not be loaded on ${choice.device}`,
      {
        place: { file },
        hint: 'import the model again (the models page checks every file), or choose another device or dtype',
        cause,
      },
    );
  } finally {
    served.release();
  }
  try {
    const decoder = transformersDecoder(model);
    const step = await decoder.forward(probeIds, undefined);
    await decoder.disposeCache(step.cache);
  } catch (cause) {
    await model.dispose().catch(() => undefined);
    throw new PygboxError('input-unreadable', `the ${choice.dtype} model does not run on ${choice.device}`, {
      place: { file },
      hint: 'choose another device or dtype',
      cause,
    });
  }
  return model;
}

/** A short reason for the status line: the runtime's message, never user text (none exists yet). */
function failureWords(error: unknown): string {
  let cause: unknown = error;
  while (cause instanceof Error && cause.cause !== undefined) cause = cause.cause;
  const message = cause instanceof Error ? cause.message : String(cause);
  return message.split('\n')[0]?.slice(0, 160) ?? 'unknown error';
}

async function readText(files: ModelFileSource, path: string): Promise<string> {
  const text = await readOptionalText(files, path);
  if (text === undefined) {
    throw new PygboxError('input-unreadable', 'the installed model is missing a file', {
      place: { file: path },
      hint: 'delete the model on the models page and import it again',
    });
  }
  return text;
}

async function readOptionalText(files: ModelFileSource, path: string): Promise<string | undefined> {
  return (await files.read(path))?.text();
}

/** The parsed JSON of a model file; `undefined` for an optional file the model does not have. */
async function readJson(files: ModelFileSource, path: string, required: boolean): Promise<unknown> {
  const text = required ? await readText(files, path) : await readOptionalText(files, path);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new PygboxError('input-unreadable', 'is not valid JSON', { place: { file: path }, cause });
  }
}

function unexpected(file: string, error: z.ZodError): PygboxError {
  const issue = error.issues[0];
  return new PygboxError('input-unreadable', `unexpected content (${issue?.message ?? 'invalid'})`, {
    place: { file, field: issue?.path.join('.') ?? '' },
    hint: 'export the model again with `pygbox export`',
  });
}
