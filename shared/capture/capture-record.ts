import { z } from 'zod';

/**
 * What the page hook and the dumper record for every response of an endpoint the adapters know:
 * the parsed JSON body (or the raw text when it was not JSON, e.g. an HTML error page).
 * Raw captures identify the user and never leave the machine.
 */
export const captureRecordSchema = z.object({
  url: z.string().url(),
  method: z.string().min(1),
  status: z.number().int().min(0).max(999),
  body: z.unknown(),
  /** ISO-8601 time the response was received. */
  capturedAt: z.string().datetime({ offset: true }),
});

export type CaptureRecord = z.infer<typeof captureRecordSchema>;
