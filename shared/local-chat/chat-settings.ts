import { z } from 'zod';
import { samplerSettingsSchema } from '../generate/sampler-settings.ts';

/**
 * The chat page's settings, stored in the `settings` store under `CHAT_SETTINGS_KEY`. Every field
 * has a default so settings stored by an older page still read.
 */
export const CHAT_SETTINGS_KEY = 'chat-settings';

/** Every sampler setting optional, and none defaulted: a default here would override the preset. */
const samplerOverridesSchema = samplerSettingsSchema
  .extend({ min_p: samplerSettingsSchema.shape.min_p.unwrap() })
  .partial();

export const chatSettingsSchema = z.strictObject({
  /** Shown in the chat as the user's speaker label (the prompt still says `You`); an identity for the anonymizer. */
  userDisplayName: z.string().trim().max(100).default(''),
  samplerPreset: z.string().default('balanced'),
  /** Values the user changed on top of the preset (a left-out value is the preset's). */
  samplerOverrides: samplerOverridesSchema.default({}),
  device: z.enum(['auto', 'webgpu', 'wasm']).default('auto'),
  dtype: z.enum(['auto', 'fp32', 'q8', 'q4', 'q4f16']).default('auto'),
  lastModelId: z.string().nullable().default(null),
  lastChatId: z.string().nullable().default(null),
});
export type ChatSettings = z.infer<typeof chatSettingsSchema>;
export type ChatSettingsInput = z.input<typeof chatSettingsSchema>;

export const DEFAULT_CHAT_SETTINGS: ChatSettings = chatSettingsSchema.parse({});
