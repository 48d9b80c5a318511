import { z } from 'zod';
import { sha256HexSchema } from '../zip/sha256-hex.ts';

/**
 * A preference record as it may leave the machine (`preferences.jsonl` in the export zip): texts
 * anonymized like AnonChat's (the user's names → `{{user}}`, the character's name → `{{char}}`,
 * PII → placeholders), the day only, no chat or message ids, and the models named by their sha256
 * ids (which say what model wrote a reply, nothing about the user) and their anonymized names.
 * Strict, so a field that should have been dropped is an error, not a leak.
 */
const daySchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD');

export const anonPreferenceSchema = z.strictObject({
  /** Content key (preference-key.ts): the same comparison exported again gets the same key. */
  key: z.string().regex(/^[0-9a-f]{32}$/),
  source: z.literal('chat-page'),
  /** shared/prompt's format version the prompt was rendered with. */
  promptFormatVersion: z.number().int().min(1),
  character: z.strictObject({ name: z.string() }),
  /** The day the record was last updated. */
  day: daySchema,
  /** The exact prompt the replies answered, anonymized. */
  prompt: z.string(),
  chosen: z
    .strictObject({ text: z.string(), model: sha256HexSchema, via: z.enum(['kept', 'rated-up']) })
    .nullable(),
  rejected: z.array(
    z.strictObject({ text: z.string(), model: sha256HexSchema, via: z.enum(['swiped-away', 'rated-down']) }),
  ),
  /** Each model that wrote chosen or rejected, once, sorted by id. */
  models: z.array(z.strictObject({ id: sha256HexSchema, name: z.string() })),
});
export type AnonPreference = z.infer<typeof anonPreferenceSchema>;
