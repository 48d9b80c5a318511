import { z } from 'zod';

/**
 * The events every worker entry may send (see pygbox_worker/events.py). Objects are not strict: a
 * newer worker may add fields, and an older CLI should still understand the ones it knows.
 */
export const workerErrorEventSchema = z.object({
  event: z.literal('error'),
  message: z.string(),
  hint: z.string().nullable().optional(),
  /** The run-config field at fault, for configuration errors (e.g. `train.learning_rate`). */
  field: z.string().nullable().optional(),
});
export type WorkerErrorEvent = z.infer<typeof workerErrorEventSchema>;

export const workerWarningEventSchema = z.object({
  event: z.literal('warning'),
  message: z.string(),
});
export type WorkerWarningEvent = z.infer<typeof workerWarningEventSchema>;
