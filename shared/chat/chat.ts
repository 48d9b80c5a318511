import { z } from 'zod';

/**
 * The canonical chat: one conversation with one character, in order, roles taken from the site's
 * human flags. It still identifies the user (ids, author names) and lives only in the local store;
 * the anonymizer turns it into an AnonChat before anything leaves the machine.
 */

export const chatRoleSchema = z.enum(['user', 'char']);
export type ChatRole = z.infer<typeof chatRoleSchema>;

export const chatSourceSchema = z.enum(['neo', 'legacy', 'dumper']);
export type ChatSource = z.infer<typeof chatSourceSchema>;

export const messageSchema = z.object({
  /** The site's turn or message id; pages of one chat merge on it. */
  id: z.string().min(1),
  role: chatRoleSchema,
  /** The chosen text (neo: the primary candidate; legacy: the non-alternative message). */
  text: z.string(),
  /** The other candidates the user swiped through, in site order, the chosen one excluded. */
  swipes: z.array(z.string()),
  authorName: z.string().optional(),
  authorId: z.string().optional(),
  /** ISO-8601 creation time when the site gave one. */
  createdAt: z.string().optional(),
  /** Position hint when the site gives no time (legacy numeric ids, dumper file order). */
  sequence: z.number().optional(),
  /** True when the site reported the chosen candidate without any text (e.g. `raw_content` absent). */
  textMissing: z.boolean().optional(),
  edited: z.boolean().optional(),
});
export type Message = z.infer<typeof messageSchema>;

export const characterSchema = z.object({
  /** The site's character external id, when any record named it. */
  id: z.string().optional(),
  name: z.string(),
  title: z.string().optional(),
  description: z.string().optional(),
  greeting: z.string().optional(),
  definition: z.string().optional(),
  /** Creator username: kept locally, dropped by the anonymizer. */
  creatorName: z.string().optional(),
  avatarFile: z.string().optional(),
});
export type Character = z.infer<typeof characterSchema>;

export const identityKindSchema = z.enum([
  'username',
  'first-name',
  'display-name',
  'account-name',
  'author-name',
  'persona-name',
  'user-id',
  'user-supplied',
]);
export type IdentityKind = z.infer<typeof identityKindSchema>;

/** A string that names the user. The anonymizer replaces each one with `{{user}}`. */
export const identitySchema = z.object({
  kind: identityKindSchema,
  value: z.string().min(1),
});
export type Identity = z.infer<typeof identitySchema>;

export const chatSchema = z.object({
  chatId: z.string().min(1),
  source: chatSourceSchema,
  character: characterSchema,
  createdAt: z.string().optional(),
  messages: z.array(messageSchema),
  /** Identities seen while reading this chat (human author names, user ids). */
  identities: z.array(identitySchema),
});
export type Chat = z.infer<typeof chatSchema>;
