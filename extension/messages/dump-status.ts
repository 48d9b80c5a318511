import { z } from 'zod';
import type { DumpProgress } from '../../shared/dump/dump-progress.ts';
import type { DumpScope } from '../../shared/dump/dump-scope.ts';
import { wireErrorSchema } from './message-error.ts';

/**
 * What the service worker tells the popup about the dump, as data: the shared dumper's scope and
 * progress, and the job's state. It is also what the worker saves in `storage.local` after every
 * step, so a worker stopped mid-dump knows on waking that a dump was running, and resumes it.
 */
const apiSchema = z.enum(['neo', 'legacy']);

export const dumpScopeSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('chat'),
    api: apiSchema,
    characterId: z.string().min(1).optional(),
    chatId: z.string().min(1).optional(),
  }),
  z.object({ kind: z.literal('character'), api: apiSchema, characterId: z.string().min(1) }),
  z.object({ kind: z.literal('everything') }),
]) satisfies z.ZodType<DumpScope>;

const count = z.number().int().min(0);

export const dumpProgressSchema = z.object({
  phase: z.enum(['listing', 'dumping', 'waiting', 'finished', 'cancelled', 'failed']),
  chatsTotal: count,
  chatsDone: count,
  chatsFailed: count,
  pages: count,
  items: count,
  retries: count,
  waitMs: z.number().min(0).optional(),
  problem: z.string().optional(),
  resumed: z.boolean(),
}) satisfies z.ZodType<DumpProgress>;

export const dumpStatusSchema = z.object({
  state: z.enum(['idle', 'running', 'finished', 'cancelled', 'failed']),
  scope: dumpScopeSchema.optional(),
  progress: dumpProgressSchema.optional(),
  /** Set when the state is 'failed': what happened and what to do, in the user's words. */
  error: wireErrorSchema.optional(),
  /** How many times this job was resumed after the worker had been stopped. */
  restarts: count,
  /** ISO time of the last change. */
  updatedAt: z.string(),
});
export type DumpStatus = z.infer<typeof dumpStatusSchema>;

/** Where the worker keeps the status in `storage.local`. */
export const DUMP_STATUS_KEY = 'dumpStatus';

export const IDLE_DUMP_STATUS: DumpStatus = {
  state: 'idle',
  restarts: 0,
  updatedAt: new Date(0).toISOString(),
};
