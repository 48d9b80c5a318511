import { z } from 'zod';
import {
  fp32ParitySchema,
  modelFileSchema,
  quantizedParitySchema,
} from '../../shared/model/model-manifest.ts';
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

export const parityEventSchema = z.object({
  event: z.literal('parity'),
  fp32: fp32ParitySchema,
  quantized: z.array(quantizedParitySchema),
  eval_source: z.string().nullable(),
});
export type ParityEvent = z.infer<typeof parityEventSchema>;

/** The files the export wrote: the descriptor's entries plus the descriptor itself. */
export const exportedFileSchema = modelFileSchema;
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
