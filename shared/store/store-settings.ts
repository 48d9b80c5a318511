import { z } from 'zod';

/**
 * What the user tells Pygbox directly: names that identify them but the site never showed
 * (`userIdentities`, anonymized like any identity), words to blank out (`redactions`), and chats or
 * single messages they keep out of every export (`excludedChats`, `excludedMessages`). Entries are
 * trimmed, must not be empty, and are kept once each in the order given. The exclusion lists default
 * to empty so settings stored before they existed still read.
 */
const entrySchema = z
  .string()
  .trim()
  .min(1, 'an empty entry')
  .max(500, 'an entry longer than 500 characters');
const entryListSchema = z
  .array(entrySchema)
  .max(10_000)
  .transform((entries) => [...new Set(entries)]);

const excludedMessageSchema = z.object({ chatId: z.string().min(1), messageId: z.string().min(1) });
export type ExcludedMessage = z.infer<typeof excludedMessageSchema>;

export const storeSettingsSchema = z.object({
  userIdentities: entryListSchema,
  redactions: entryListSchema,
  excludedChats: entryListSchema.default([]),
  excludedMessages: z
    .array(excludedMessageSchema)
    .max(100_000)
    .default([])
    .transform((entries) => {
      const seen = new Set<string>();
      return entries.filter((entry) => {
        const key = `${entry.chatId}\u0000${entry.messageId}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    }),
});
export type StoreSettings = z.infer<typeof storeSettingsSchema>;
/** What callers pass in: the exclusion lists may be left out. */
export type StoreSettingsInput = z.input<typeof storeSettingsSchema>;

export const DEFAULT_STORE_SETTINGS: StoreSettings = {
  userIdentities: [],
  redactions: [],
  excludedChats: [],
  excludedMessages: [],
};
