import { access, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { z } from 'zod';
import { PygboxError } from '../../shared/errors/pygbox-error.ts';
import type { DecoderModel } from '../../shared/generate/decoder-model.ts';
import { type TransformersCache, transformersDecoder } from '../../shared/generate/transformers-decoder.ts';
import {
  generationConfigSchema,
  modelConfigSchema,
  modelContextLength,
  replyEosIds,
} from '../../shared/model/model-config.ts';
import { type DatasetTokenizer, loadDatasetTokenizer } from '../dataset/tokenizer/dataset-tokenizer.ts';

/** The ONNX files `pygbox export` writes, by the dtype names transformers.js uses to pick them. */
export const CHAT_DTYPES = {
  fp32: 'model.onnx',
  q8: 'model_quantized.onnx',
  q4: 'model_q4.onnx',
  q4f16: 'model_q4f16.onnx',
} as const;
export type ChatDtype = keyof typeof CHAT_DTYPES;
const DTYPE_PREFERENCE: readonly ChatDtype[] = ['fp32', 'q8', 'q4', 'q4f16'];

export interface ChatModel {
  decoder: DecoderModel<TransformersCache>;
  tokenizer: DatasetTokenizer;
  /** Positions the model has: prompt and reply together fit in them. */
  contextLength: number;
  /** Every id that ends a reply: the tokenizer's EOS and the model's generation config's. */
  eosIds: number[];
  dtype: ChatDtype;
  device: string;
  modelType: string;
  dispose(): Promise<void>;
}

/**
 * Loads a model folder written by `pygbox export` with transformers.js in Node, from local files
 * only: no hub lookup, no download, no cache written into node_modules. The tokenizer is the
 * folder's own tokenizer.json through the loader the dataset builder uses, so prompts get exactly
 * the ids training gave them. `dtype` 'auto' takes the first of fp32, q8, q4, q4f16 the folder has
 * (fp32 decodes fastest on a CPU; the quantized files are for the browser's download size).
 */
export async function loadChatModel(folder: string, dtype: ChatDtype | 'auto'): Promise<ChatModel> {
  const dir = resolve(folder);
  const config = await readJson(join(dir, 'config.json'), modelConfigSchema, true);
  if (config === undefined) throw new Error('unreachable: config.json is required');
  const generation = await readJson(join(dir, 'generation_config.json'), generationConfigSchema, false);
  const chosen = await chooseDtype(dir, dtype);
  const tokenizer = await loadDatasetTokenizer(dir);

  const { AutoModelForCausalLM, env, LogLevel } = await import('@huggingface/transformers');
  // When a run fails, transformers.js logs every input it was given, the prompt's ids among them:
  // the user's words, on stderr. Failures reach the user as a PygboxError instead, which names
  // the file and never the text.
  env.logLevel = LogLevel.NONE;
  env.allowLocalModels = true;
  env.allowRemoteModels = false;
  env.useFSCache = false;
  env.useBrowserCache = false;
  let model: Awaited<ReturnType<typeof AutoModelForCausalLM.from_pretrained>>;
  try {
    model = await AutoModelForCausalLM.from_pretrained(dir, {
      dtype: chosen,
      device: 'cpu',
      local_files_only: true,
    });
  } catch (cause) {
    throw new PygboxError('input-unreadable', `transformers.js could not load the ${chosen} model`, {
      place: { file: join(dir, 'onnx', CHAT_DTYPES[chosen]) },
      hint: 'the folder must be one `pygbox export` wrote (config.json, tokenizer files, onnx/model*.onnx)',
      cause,
    });
  }
  const contextLength = modelContextLength(config, join(dir, 'config.json'));
  const eosIds = replyEosIds(tokenizer.eosId, config, generation);

  return {
    decoder: transformersDecoder(model),
    tokenizer,
    contextLength,
    eosIds,
    dtype: chosen,
    device: 'cpu (onnxruntime-node)',
    modelType: config.model_type,
    async dispose() {
      await model.dispose();
    },
  };
}

async function chooseDtype(dir: string, wanted: ChatDtype | 'auto'): Promise<ChatDtype> {
  const present: ChatDtype[] = [];
  for (const dtype of DTYPE_PREFERENCE) {
    if (await exists(join(dir, 'onnx', CHAT_DTYPES[dtype]))) present.push(dtype);
  }
  const chosen = wanted === 'auto' ? present[0] : present.includes(wanted) ? wanted : undefined;
  if (chosen !== undefined) return chosen;
  throw new PygboxError(
    'input-unreadable',
    present.length === 0 ? 'the model folder holds no ONNX model' : `the model folder has no ${wanted} model`,
    {
      place: { file: join(dir, 'onnx', wanted === 'auto' ? CHAT_DTYPES.fp32 : CHAT_DTYPES[wanted]) },
      hint:
        present.length === 0
          ? 'give a folder written by `pygbox export` (it holds onnx/model.onnx and the quantized files)'
          : `this folder has: ${present.join(', ')}; pass --dtype with one of them`,
    },
  );
}

async function readJson<T>(file: string, schema: z.ZodType<T>, required: boolean): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    if (!required) return undefined;
    throw new PygboxError('input-unreadable', 'cannot read the model folder', {
      place: { file },
      hint: 'give the folder `pygbox export` wrote (it holds config.json, tokenizer files and onnx/)',
      cause,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new PygboxError('input-unreadable', 'is not valid JSON', { place: { file }, cause });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PygboxError('input-unreadable', `unexpected content (${issue?.message ?? 'invalid'})`, {
      place: { file, field: issue?.path.join('.') ?? '' },
      hint: 'export the model again with `pygbox export`',
    });
  }
  return parsed.data;
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
