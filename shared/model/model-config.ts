import { z } from 'zod';
import { PygboxError } from '../errors/pygbox-error.ts';

/**
 * What a chat needs from an exported model's `config.json` and `generation_config.json`: its
 * context length and the ids that end a reply. Read the same way by `pygbox chat` in Node and the
 * extension's chat page, so both stop and trim alike. Loose: the files carry many more keys.
 */
const eosIdsSchema = z.union([z.number().int(), z.array(z.number().int())]).optional();

export const modelConfigSchema = z.looseObject({
  model_type: z.string(),
  max_position_embeddings: z.number().int().positive().optional(),
  n_positions: z.number().int().positive().optional(),
  eos_token_id: eosIdsSchema,
});
export type ModelConfig = z.infer<typeof modelConfigSchema>;

export const generationConfigSchema = z.looseObject({ eos_token_id: eosIdsSchema });
export type GenerationConfig = z.infer<typeof generationConfigSchema>;

/** The model's positions (OPT: max_position_embeddings; GPT-2: n_positions). `file` names config.json for the error. */
export function modelContextLength(config: ModelConfig, file: string): number {
  const length = config.max_position_embeddings ?? config.n_positions;
  if (length === undefined) {
    throw new PygboxError('input-unreadable', "config.json does not say the model's context length", {
      place: { file, field: 'max_position_embeddings' },
      hint: 'export the model again with `pygbox export` (its config.json has max_position_embeddings or n_positions)',
    });
  }
  return length;
}

/** Every id that ends a reply: the tokenizer's EOS and any the two config files add, each once. */
export function replyEosIds(
  tokenizerEosId: number,
  config: ModelConfig,
  generation: GenerationConfig | undefined,
): number[] {
  const ids = new Set<number>([tokenizerEosId]);
  for (const listed of [config.eos_token_id, generation?.eos_token_id]) {
    for (const id of listed === undefined ? [] : [listed].flat()) ids.add(id);
  }
  return [...ids];
}
