import { z } from 'zod';
import { captureRecordSchema } from '../../shared/capture/capture-record.ts';
import { dumpScopeSchema, dumpStatusSchema } from './dump-status.ts';
import { wireErrorSchema } from './message-error.ts';

/**
 * Every message the service worker answers, and the reply each one gets. The isolated relay sends
 * captures and wake-ups; the popup sends the rest. Both sides parse with these schemas: a message is
 * external data to its receiver, and a reply is external data to its sender.
 */

/** The relay checks each record before it batches it; the worker checks the batch again here. */
const MAX_RECORDS_PER_MESSAGE = 200;

export const workerRequestSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('captures'),
    records: z.array(captureRecordSchema).min(1).max(MAX_RECORDS_PER_MESSAGE),
  }),
  z.object({ type: z.literal('status') }),
  z.object({ type: z.literal('dump-start'), scope: dumpScopeSchema }),
  z.object({ type: z.literal('dump-cancel') }),
  /** From a tab that served dump requests and then heard nothing: the worker may have been stopped. */
  z.object({ type: z.literal('dump-wake') }),
]);
export type WorkerRequest = z.infer<typeof workerRequestSchema>;
export type WorkerRequestType = WorkerRequest['type'];

export const storeCountsSchema = z.object({
  characters: z.number().int().min(0),
  chats: z.number().int().min(0),
  messages: z.number().int().min(0),
  captures: z.number().int().min(0),
  preferences: z.number().int().min(0),
});

export const ingestReplySchema = z.object({
  captures: z.number().int().min(0),
  chats: z.number().int().min(0),
  newMessages: z.number().int().min(0),
  /** How many records gave nothing (unknown endpoint, error body); the reasons stay in the worker. */
  problems: z.number().int().min(0),
});

export const statusReplySchema = z.object({ counts: storeCountsSchema, dump: dumpStatusSchema });

export const workerReplySchemas = {
  captures: ingestReplySchema,
  status: statusReplySchema,
  'dump-start': dumpStatusSchema,
  'dump-cancel': dumpStatusSchema,
  'dump-wake': dumpStatusSchema,
} as const satisfies Record<WorkerRequestType, z.ZodType>;

export type WorkerReply<T extends WorkerRequestType> = z.infer<(typeof workerReplySchemas)[T]>;
export type StoreCountsReply = z.infer<typeof storeCountsSchema>;
export type StatusReply = z.infer<typeof statusReplySchema>;

/** The envelope every reply travels in: a value, or an error to throw again on the caller's side. */
export const replyEnvelopeSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: wireErrorSchema }),
]);
export type ReplyEnvelope = z.infer<typeof replyEnvelopeSchema>;
