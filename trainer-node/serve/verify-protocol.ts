import { z } from 'zod';
import { sha256HexSchema } from '../../shared/zip/sha256-hex.ts';

/** The messages between the server and its verification threads (verify-pool.ts, verify-worker.ts). */

export const verifyWorkerDataSchema = z.object({
  blocklist: z.array(z.string()),
  zipLimits: z.object({ maxTotalBytes: z.number(), maxEntryBytes: z.number() }).partial(),
});

export const verifyTaskSchema = z.object({
  id: z.number().int().min(0),
  /** The upload's bytes, transferred to the thread. */
  zip: z.instanceof(ArrayBuffer),
});
export type VerifyTask = z.infer<typeof verifyTaskSchema>;

const sha256Schema = sha256HexSchema;
const countSchema = z.number().int().min(0);

const verifiedCopiesSchema = z.object({
  zipSha256: sha256Schema,
  anonymizerVersion: z.string(),
  toolVersion: z.string(),
  jsons: z.instanceof(Uint8Array),
  prefixChains: z.instanceof(Uint8Array),
  copies: z.array(
    z.object({
      key: z.string().regex(/^[0-9a-f]{32}$/),
      sha256: sha256Schema,
      messages: countSchema,
      offset: countSchema,
      length: countSchema,
      prefixOffset: countSchema,
    }),
  ),
  preferences: z.array(
    z.object({ key: z.string().regex(/^[0-9a-f]{32}$/), sha256: sha256Schema, json: z.string() }),
  ),
});

/** Why an upload failed in a thread: refused (the upload's fault, with the reader's words) or internal. */
export const verifyFailureSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('refused'),
    code: z.enum(['zip-invalid', 'audit-failed']),
    message: z.string(),
    hint: z.string().optional(),
    place: z.object({
      file: z.string().optional(),
      line: z.number().optional(),
      field: z.string().optional(),
    }),
  }),
  z.object({ kind: z.literal('internal'), message: z.string() }),
]);
export type VerifyFailure = z.infer<typeof verifyFailureSchema>;

export const verifyAnswerSchema = z.union([
  z.object({ id: z.number().int(), result: verifiedCopiesSchema }),
  z.object({ id: z.number().int(), failure: verifyFailureSchema }),
]);
