import { z } from 'zod';

/**
 * What the user tells Pygbox directly: names that identify them but the site never showed
 * (`userIdentities`, anonymized like any identity) and words to blank out (`redactions`).
 * Entries are trimmed, must not be empty, and are kept once each in the order given.
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

export const storeSettingsSchema = z.object({
  userIdentities: entryListSchema,
  redactions: entryListSchema,
});
export type StoreSettings = z.infer<typeof storeSettingsSchema>;

export const DEFAULT_STORE_SETTINGS: StoreSettings = { userIdentities: [], redactions: [] };
