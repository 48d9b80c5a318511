import { z } from 'zod';

/**
 * One reply (or the user's text) in a local chat. A char message holds every reply generated for
 * its place as swipes; the user's ratings and which swipe was kept become preference records
 * (preference-record.ts).
 */
export const localSwipeSchema = z.strictObject({
  text: z.string(),
  rating: z.enum(['up', 'down']).nullable().default(null),
  /** The installed model's id (sha256 of its pygbox-model.json) that wrote it; null: greeting or user text. */
  modelId: z.string().nullable(),
  /** The exact prompt text it answered (what the model was sent); null for greetings and user text. */
  prompt: z.string().nullable(),
  createdAt: z.string(),
});
export type LocalSwipe = z.infer<typeof localSwipeSchema>;

export const localMessageSchema = z
  .strictObject({
    id: z.string().min(1),
    role: z.enum(['user', 'char']),
    /** User messages: exactly one. */
    swipes: z.array(localSwipeSchema).min(1),
    /** Index into swipes: the one shown, and the one the next prompt continues from. */
    selected: z.number().int().min(0),
    edited: z.boolean().default(false),
  })
  .refine((message) => message.selected < message.swipes.length, {
    message: 'selected is past the last swipe',
    path: ['selected'],
  })
  .refine((message) => message.role === 'char' || message.swipes.length === 1, {
    message: 'a user message has exactly one swipe',
    path: ['swipes'],
  });
export type LocalMessage = z.infer<typeof localMessageSchema>;

export const localChatSchema = z.strictObject({
  id: z.string().min(1),
  characterId: z.string().min(1),
  title: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  messages: z.array(localMessageSchema),
});
export type LocalChat = z.infer<typeof localChatSchema>;
/** What callers may pass to `saveChat`: ratings and `edited` may be left out. */
export type LocalChatInput = z.input<typeof localChatSchema>;
