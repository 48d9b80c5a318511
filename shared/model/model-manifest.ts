import { z } from 'zod';
import { sha256HexSchema } from '../zip/sha256-hex.ts';

/**
 * `pygbox-model.json`, the descriptor `pygbox export` writes next to the ONNX files
 * (trainer-node/worker/pygbox_worker/export/model_card.py) and the extension's importer reads from
 * the model zip. Platform-free so both sides parse it with the same schema. Strict: the file comes
 * from a zip the user picked, and an importer that writes `files[].path` to storage must refuse
 * what it does not understand rather than guess.
 */

export const MODEL_FORMAT = 'pygbox-model';
export const MODEL_FORMAT_VERSION = 1;
export const MODEL_MANIFEST_PATH = 'pygbox-model.json';

/** The dtypes transformers.js names by file suffix, as the exporter writes them. */
export const modelDtypeSchema = z.enum(['fp32', 'q8', 'q4', 'q4f16']);
export type ModelDtype = z.infer<typeof modelDtypeSchema>;

/** Where each dtype's graph lives in the folder (transformers.js' file-name suffixes). */
export const MODEL_FILES: Readonly<Record<ModelDtype, string>> = {
  fp32: 'onnx/model.onnx',
  q8: 'onnx/model_quantized.onnx',
  q4: 'onnx/model_q4.onnx',
  q4f16: 'onnx/model_q4f16.onnx',
};

const tokenIdSchema = z.number().int().min(0);

/** A `/`-separated path inside the model folder: nothing absolute, no `..`, no backslash. */
const folderPathSchema = z
  .string()
  .min(1)
  .refine(
    (path) =>
      !path.startsWith('/') &&
      !path.includes('\\') &&
      path.split('/').every((part) => part !== '' && part !== '..' && part !== '.'),
    'a relative path inside the model folder',
  );

export const fp32ParitySchema = z
  .object({
    max_logit_diff_no_cache: z.number(),
    max_logit_diff_with_cache: z.number(),
    greedy_tokens: z.number().int(),
    greedy_identical: z.boolean(),
    threshold: z.number(),
  })
  .strict();

export const quantizedParitySchema = z
  .object({
    dtype: modelDtypeSchema.exclude(['fp32']),
    file: folderPathSchema,
    perplexity: z.number(),
    fp32_perplexity: z.number(),
    perplexity_increase_pct: z.number(),
    top1_agreement: z.number().min(0).max(1),
    positions: z.number().int().min(1),
    max_logit_diff_cache_vs_no_cache: z.number(),
    max_perplexity_increase_pct: z.number(),
    min_top1_agreement: z.number(),
  })
  .strict();
export type QuantizedParity = z.infer<typeof quantizedParitySchema>;

/** The gate's figures: the same object the worker's `parity` event carries. */
export const parityFiguresSchema = z
  .object({
    fp32: fp32ParitySchema,
    quantized: z.array(quantizedParitySchema),
    /** The eval data's folder name (never a path) or the built-in sample chat. */
    eval_source: z.string().nullable(),
  })
  .strict();
export type ParityFigures = z.infer<typeof parityFiguresSchema>;

export const modelFileSchema = z
  .object({
    path: folderPathSchema,
    bytes: z.number().int().min(0),
    sha256: sha256HexSchema,
  })
  .strict();
export type ModelFile = z.infer<typeof modelFileSchema>;

export const modelManifestSchema = z
  .object({
    format: z.literal(MODEL_FORMAT),
    version: z.literal(MODEL_FORMAT_VERSION),
    name: z.string().min(1),
    /** A hub id, or only the last component of a local folder's path. */
    base_model: z.string().nullable(),
    model_type: z.string().min(1),
    /** The tokenizer's ids, also written into config.json and generation_config.json. */
    special_tokens: z
      .object({
        bos_token_id: tokenIdSchema.nullable(),
        eos_token_id: tokenIdSchema,
        pad_token_id: tokenIdSchema.nullable(),
      })
      .strict(),
    steps: z.number().int().min(0).nullable(),
    prompt_format_version: z.number().int().min(1).nullable(),
    dtypes: z
      .array(modelDtypeSchema)
      .min(1)
      .refine((dtypes) => new Set(dtypes).size === dtypes.length, 'each dtype once'),
    parity: parityFiguresSchema,
    /** Every file of the folder but this descriptor, with its size and sha256. */
    files: z
      .array(modelFileSchema)
      .refine((files) => new Set(files.map((file) => file.path)).size === files.length, 'each path once')
      .refine(
        (files) => files.every((file) => file.path !== MODEL_MANIFEST_PATH),
        `does not list ${MODEL_MANIFEST_PATH}`,
      ),
  })
  .strict()
  .refine(
    (manifest) =>
      manifest.dtypes.every((dtype) => manifest.files.some((file) => file.path === MODEL_FILES[dtype])),
    { message: 'lists the ONNX file of every dtype it names', path: ['files'] },
  );
export type ModelManifest = z.infer<typeof modelManifestSchema>;

/** Just enough to tell "not a model" and "newer than us" apart from "ours but broken". */
export const modelManifestHeaderSchema = z.object({ format: z.unknown(), version: z.unknown() });
