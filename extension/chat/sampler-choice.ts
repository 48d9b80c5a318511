import { resolveSamplerSettings } from '../../shared/generate/sampler-presets.ts';
import type { SamplerSettings } from '../../shared/generate/sampler-settings.ts';
import type { ChatSettings } from '../../shared/local-chat/chat-settings.ts';

/**
 * The sampler settings a reply draws with: the chosen preset with the user's overrides, validated
 * by the shared resolver (an out-of-range value is an error naming the setting, never clamped).
 */
export function samplerFromChatSettings(settings: ChatSettings): SamplerSettings {
  return resolveSamplerSettings(settings.samplerPreset, settings.samplerOverrides);
}

/**
 * A fixed seed gives every reply of a chat its own seed (seed + the number of replies already
 * written), so a seeded chat repeats exactly while regenerate still draws something new.
 */
export function seedForReply(settings: SamplerSettings, repliesSoFar: number): SamplerSettings {
  if (settings.seed === undefined) return settings;
  return { ...settings, seed: (settings.seed + repliesSoFar) % 0x1_0000_0000 };
}
