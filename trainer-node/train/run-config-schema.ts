import { z } from 'zod';

/**
 * The run config a user writes as YAML (see README.md here for every key). Keys are snake_case as
 * written, and the resolved object is what `<output_dir>/run-config.json` holds for the worker,
 * which validates it again (pygbox_worker/train/config.py: same keys, same defaults, same bounds).
 * Every object is strict: a misspelt key is an error, never a silently ignored setting.
 */

const positiveInt = z.number().int().positive();
const fraction = z.number().min(0).lt(1);

export const modelSchema = z
  .object({
    /** A Hugging Face model folder (resolved against the YAML's folder when it exists) or hub id. */
    base: z.string().min(1),
    init: z.enum(['pretrained', 'random']).default('pretrained'),
    config_overrides: z.record(z.string(), z.unknown()).default(() => ({})),
    dtype: z.enum(['auto', 'bf16', 'fp32']).default('auto'),
    attention: z.enum(['sdpa', 'eager']).default('sdpa'),
    gradient_checkpointing: z.boolean().default(false),
    compile: z.boolean().default(false),
  })
  .strict();

export const loraSchema = z
  .object({
    r: positiveInt.default(16),
    alpha: z.number().positive().default(32),
    dropout: fraction.default(0.05),
    target_modules: z
      .array(z.string().min(1))
      .min(1)
      .default(() => ['q_proj', 'k_proj', 'v_proj', 'out_proj', 'fc1', 'fc2']),
  })
  .strict();

export const trainSchema = z
  .object({
    epochs: z.number().positive().default(1),
    max_steps: positiveInt.nullable().default(null),
    micro_batch_size: positiveInt.default(1),
    gradient_accumulation_steps: positiveInt.default(8),
    learning_rate: z.number().positive().default(1.0e-5),
    min_learning_rate_ratio: z.number().min(0).max(1).default(0.1),
    // transformers 5's convention (it removed warmup_ratio): a whole number counts steps, a
    // fraction is a share of the total steps.
    warmup_steps: z
      .number()
      .refine((value) => (Number.isInteger(value) && value >= 0) || (value > 0 && value < 1), {
        message: 'must be a whole number of steps (0 or more) or a fraction in (0, 1)',
      })
      .default(0.03),
    weight_decay: z.number().min(0).default(0),
    adam_beta1: fraction.default(0.9),
    adam_beta2: fraction.default(0.95),
    adam_epsilon: z.number().positive().default(1.0e-8),
    max_grad_norm: z.number().positive().default(1),
    seed: z.number().int().default(42),
  })
  .strict();

export const evalSchema = z
  .object({
    every_steps: z.number().int().min(0).default(100),
    max_batches: positiveInt.nullable().default(null),
  })
  .strict();

export const checkpointSchema = z
  .object({
    every_steps: z.number().int().min(0).default(200),
    keep_last: positiveInt.default(2),
  })
  .strict();

export const logSchema = z.object({ every_steps: positiveInt.default(1) }).strict();

export const distributedSchema = z.object({ strategy: z.enum(['ddp', 'fsdp']).default('ddp') }).strict();

export const runConfigSchema = z
  .object({
    dataset: z.string().min(1),
    output_dir: z.string().min(1),
    model: modelSchema,
    method: z.enum(['full', 'lora']).default('full'),
    // prefault: a missing section is parsed as {}, so each of its keys gets its own default.
    lora: loraSchema.prefault({}),
    train: trainSchema.prefault({}),
    eval: evalSchema.prefault({}),
    checkpoint: checkpointSchema.prefault({}),
    log: logSchema.prefault({}),
    distributed: distributedSchema.prefault({}),
  })
  .strict();

export type RunConfig = z.infer<typeof runConfigSchema>;

/** The keys each mapping accepts, by its dotted path ('' is the top level): the unknown-key hint. */
export const KNOWN_KEYS: Readonly<Record<string, readonly string[]>> = {
  '': Object.keys(runConfigSchema.shape),
  model: Object.keys(modelSchema.shape),
  lora: Object.keys(loraSchema.shape),
  train: Object.keys(trainSchema.shape),
  eval: Object.keys(evalSchema.shape),
  checkpoint: Object.keys(checkpointSchema.shape),
  log: Object.keys(logSchema.shape),
  distributed: Object.keys(distributedSchema.shape),
};
