import { z } from 'zod';
import { optionalTextSchema, siteIdSchema } from './site-id-schema.ts';

/**
 * The fields of a neo Turn the adapters read. Non-strict: the site adds fields often and unknown
 * ones are ignored. `author.is_human` is absent on bot turns; `raw_content` is missing when the
 * site stopped a generation before any text.
 */
export const neoCandidateSchema = z.object({
  candidate_id: siteIdSchema,
  raw_content: z
    .string()
    .nullish()
    .transform((value) => value ?? undefined),
  create_time: optionalTextSchema,
  editor: z
    .object({ author_id: siteIdSchema.nullish(), name: optionalTextSchema })
    .nullish()
    .transform((value) => value ?? undefined),
});
export type NeoCandidate = z.infer<typeof neoCandidateSchema>;

export const neoTurnSchema = z.object({
  turn_key: z.object({ chat_id: siteIdSchema, turn_id: siteIdSchema }),
  create_time: optionalTextSchema,
  author: z.object({
    author_id: siteIdSchema.nullish(),
    name: optionalTextSchema,
    is_human: z.boolean().nullish(),
  }),
  candidates: z.array(neoCandidateSchema),
  primary_candidate_id: siteIdSchema.nullish(),
});
export type NeoTurn = z.infer<typeof neoTurnSchema>;
