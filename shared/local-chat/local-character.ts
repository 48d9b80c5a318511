import { z } from 'zod';

/**
 * A character the user chats with on the chat page: made from a card (V1/V2/V3 JSON or PNG), from a
 * chat captured from character.ai (anonymized first), or written by hand. Stored in the local
 * database's `localCharacters` store; never exported (it is the user's own text, not training data).
 */
export const localCharacterSchema = z.strictObject({
  id: z.string().min(1),
  name: z.string().trim().min(1).max(200),
  persona: z.string().max(50_000).default(''),
  scenario: z.string().max(50_000).default(''),
  greeting: z.string().max(50_000).default(''),
  alternateGreetings: z.array(z.string().max(50_000)).max(100).default([]),
  exampleDialogue: z.string().max(50_000).default(''),
  source: z.enum(['card', 'stored-chat', 'hand-written']),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type LocalCharacter = z.infer<typeof localCharacterSchema>;

/**
 * What callers hand to `putCharacter`: the text fields may be left out, and a new character may come
 * without id or times (the store fills them in: a fresh id, now).
 */
export type LocalCharacterInput = Omit<
  z.input<typeof localCharacterSchema>,
  'id' | 'createdAt' | 'updatedAt'
> & {
  id?: string;
  createdAt?: string;
  updatedAt?: string;
};
