import { z } from 'zod';
import { workerErrorEventSchema, workerWarningEventSchema } from '../worker-process/common-events.ts';

/**
 * The training worker's events (pygbox_worker.train; /tmp/coord/contract.md "Events"). Losses are
 * nullable because the worker sends a NaN or infinite value as null (JSON has neither), and a
 * diverged run should be reported, not rejected as a protocol error.
 */
const count = z.number().int().nonnegative();
const loss = z.number().nullable();

export const startEventSchema = z.object({
  event: z.literal('start'),
  protocol: z.literal(1),
  device: z.string(),
  device_name: z.string(),
  world_size: z.number().int().positive(),
  dtype: z.enum(['bf16', 'fp32']),
  parameters: count,
  trainable_parameters: count,
  total_steps: count,
  tokens_per_step: count.nullable(),
  peak_flops: z.number().nullable(),
  resumed_from: z.object({ step: count, path: z.string() }).nullable(),
  checkpoint_every: count,
  output_dir: z.string(),
});

export const stepEventSchema = z.object({
  event: z.literal('step'),
  step: count,
  total_steps: count,
  epoch: z.number(),
  loss,
  learning_rate: z.number(),
  grad_norm: z.number().nullable(),
  tokens: count,
  trained_tokens: count,
  tokens_per_second: z.number(),
  mfu: z.number().nullable(),
  elapsed_seconds: z.number(),
  next_checkpoint_step: count.nullable(),
});

export const evalEventSchema = z.object({
  event: z.literal('eval'),
  step: count,
  loss,
  perplexity: z.number().nullable(),
  tokens: count,
});

export const checkpointEventSchema = z.object({
  event: z.literal('checkpoint'),
  step: count,
  path: z.string(),
  reason: z.enum(['interval', 'interrupt', 'final']),
});

export const doneEventSchema = z.object({
  event: z.literal('done'),
  step: count,
  final_path: z.string(),
  train_loss: loss,
  eval_loss: loss,
});

export const interruptedEventSchema = z.object({
  event: z.literal('interrupted'),
  step: count,
  checkpoint: z.string(),
});

export const trainEventSchema = z.discriminatedUnion('event', [
  startEventSchema,
  stepEventSchema,
  evalEventSchema,
  checkpointEventSchema,
  doneEventSchema,
  interruptedEventSchema,
  workerErrorEventSchema,
  workerWarningEventSchema,
]);

export type TrainEvent = z.infer<typeof trainEventSchema>;
export type StartEvent = z.infer<typeof startEventSchema>;
export type StepEvent = z.infer<typeof stepEventSchema>;
