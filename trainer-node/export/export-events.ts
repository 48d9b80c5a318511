import { z } from 'zod';
import { workerErrorEventSchema, workerWarningEventSchema } from '../worker-process/common-events.ts';

/**
 * What `python -m pygbox_worker.export` says on stdout (pygbox_worker/export/__main__.py): a stage
 * line as each stage starts, the parity figures once the gate passed, then the files written.
 */
export const exportStageEventSchema = z.object({
  event: z.literal('export-stage'),
  stage: z.string(),
  detail: z.string().nullable(),
});

const fp32ParitySchema = z.object({
  max_logit_diff_no_cache: z.number(),
  max_logit_diff_with_cache: z.number(),
  greedy_tokens: z.number().int(),
  greedy_identical: z.boolean(),
  threshold: z.number(),
});

const quantizedParitySchema = z.object({
  dtype: z.string(),
  file: z.string(),
  perplexity: z.number(),
  fp32_perplexity: z.number(),
  perplexity_increase_pct: z.number(),
  top1_agreement: z.number(),
  positions: z.number().int(),
  max_perplexity_increase_pct: z.number(),
  min_top1_agreement: z.number(),
});

export const parityEventSchema = z.object({
  event: z.literal('parity'),
  fp32: fp32ParitySchema,
  quantized: z.array(quantizedParitySchema),
  eval_source: z.string().nullable(),
});
export type ParityEvent = z.infer<typeof parityEventSchema>;

export const exportedFileSchema = z.object({
  path: z.string().min(1),
  bytes: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ExportedFile = z.infer<typeof exportedFileSchema>;

export const exportDoneEventSchema = z.object({
  event: z.literal('export-done'),
  out: z.string(),
  files: z.array(exportedFileSchema),
});

export const exportEventSchema = z.discriminatedUnion('event', [
  exportStageEventSchema,
  parityEventSchema,
  exportDoneEventSchema,
  workerErrorEventSchema,
  workerWarningEventSchema,
]);
export type ExportEvent = z.infer<typeof exportEventSchema>;
