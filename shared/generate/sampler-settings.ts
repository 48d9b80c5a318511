import { z } from 'zod';

/**
 * How the next token is chosen, in the names Hugging Face and text-generation-webui use, so settings
 * read the same everywhere (the CLI's flags, the chat page's sliders, a stored preset). Each one is
 * applied by a pure function on the logits, in the order `sample-next-token.ts` documents.
 *
 * - temperature: divides the logits; 0 means greedy (always the most likely token).
 * - top_k: keep the k most likely tokens (0: off).
 * - top_p: keep the most likely tokens until their probability mass reaches top_p (1: off).
 * - min_p: drop tokens less likely than min_p times the most likely one (0: off).
 * - typical_p: keep the tokens whose surprise is closest to the distribution's entropy until their
 *   mass reaches typical_p (locally typical sampling; 1: off).
 * - repetition_penalty over the last repetition_penalty_range tokens of the context (0: all of
 *   it): a token seen there has a positive logit divided by the penalty, a negative one multiplied
 *   (Hugging Face's rule, so the penalty always makes the token less likely; 1: off).
 * - max_new_tokens: the reply's length limit, its end-of-sequence token included.
 * - seed: the same seed, prompt and model give the same reply; absent, a fresh one each reply.
 */
export const samplerSettingsSchema = z.strictObject({
  temperature: z.number().min(0).max(10),
  top_k: z.number().int().min(0),
  top_p: z.number().gt(0).max(1),
  min_p: z.number().min(0).max(1).default(0),
  typical_p: z.number().gt(0).max(1),
  repetition_penalty: z.number().positive().max(10),
  repetition_penalty_range: z.number().int().min(0),
  max_new_tokens: z.number().int().min(1).max(8192),
  seed: z.number().int().min(0).max(0xffff_ffff).optional(),
});

export type SamplerSettings = z.infer<typeof samplerSettingsSchema>;
