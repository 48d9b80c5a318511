import { z } from 'zod';
import { chatRoleSchema, chatSourceSchema } from './chat.ts';

/**
 * The anonymized chat: what may leave the machine. No ids, no avatars, no creator, no author names,
 * dates to the day. Texts use the fixed placeholder vocabulary of `placeholders.ts`. Schemas are
 * strict so a field that should have been dropped is an error, not a leak.
 */

const daySchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD');

export const anonMessageSchema = z
  .object({
    role: chatRoleSchema,
    text: z.string(),
    swipes: z.array(z.string()),
    day: daySchema.optional(),
  })
  .strict();
export type AnonMessage = z.infer<typeof anonMessageSchema>;

export const anonCharacterSchema = z
  .object({
    name: z.string(),
    title: z.string().optional(),
    description: z.string().optional(),
    greeting: z.string().optional(),
    definition: z.string().optional(),
  })
  .strict();
export type AnonCharacter = z.infer<typeof anonCharacterSchema>;

export const anonChatSchema = z
  .object({
    /**
     * Content-derived key: sha256 of the anonymized character name and first messages. A longer
     * re-export of the same chat gets the same key, so collectors can keep one copy; it reveals
     * nothing the chat itself does not.
     */
    key: z.string().regex(/^[0-9a-f]{32}$/),
    source: chatSourceSchema,
    character: anonCharacterSchema,
    day: daySchema.optional(),
    messages: z.array(anonMessageSchema),
  })
  .strict();
export type AnonChat = z.infer<typeof anonChatSchema>;
