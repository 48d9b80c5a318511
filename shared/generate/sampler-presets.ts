import { PygboxError } from '../errors/pygbox-error.ts';
import { type SamplerSettings, samplerSettingsSchema } from './sampler-settings.ts';

/**
 * Named starting points for the sampler. `balanced` is the default: the settings the Pygmalion
 * model cards recommend for chat (moderate temperature, nucleus sampling, a light repetition penalty
 * over the recent context). `greedy` is deterministic and is what tests and comparisons use.
 */
export const SAMPLER_PRESETS = {
  balanced: {
    temperature: 0.7,
    top_k: 40,
    top_p: 0.9,
    min_p: 0,
    typical_p: 1,
    repetition_penalty: 1.1,
    repetition_penalty_range: 512,
    max_new_tokens: 128,
  },
  precise: {
    temperature: 0.4,
    top_k: 20,
    top_p: 0.8,
    min_p: 0,
    typical_p: 1,
    repetition_penalty: 1.15,
    repetition_penalty_range: 1024,
    max_new_tokens: 128,
  },
  creative: {
    temperature: 1.0,
    top_k: 0,
    top_p: 0.95,
    min_p: 0.05,
    typical_p: 1,
    repetition_penalty: 1.05,
    repetition_penalty_range: 256,
    max_new_tokens: 160,
  },
  typical: {
    temperature: 0.8,
    top_k: 0,
    top_p: 1,
    min_p: 0,
    typical_p: 0.9,
    repetition_penalty: 1.1,
    repetition_penalty_range: 512,
    max_new_tokens: 128,
  },
  greedy: {
    temperature: 0,
    top_k: 0,
    top_p: 1,
    min_p: 0,
    typical_p: 1,
    repetition_penalty: 1,
    repetition_penalty_range: 0,
    max_new_tokens: 128,
  },
} as const satisfies Record<string, SamplerSettings>;

export type SamplerPresetName = keyof typeof SAMPLER_PRESETS;
export const SAMPLER_PRESET_NAMES = Object.keys(SAMPLER_PRESETS) as SamplerPresetName[];
export const DEFAULT_SAMPLER_PRESET: SamplerPresetName = 'balanced';

function isPresetName(name: string): name is SamplerPresetName {
  return Object.hasOwn(SAMPLER_PRESETS, name);
}

/**
 * A preset with the user's changes on top, validated: an unknown preset or an out-of-range value
 * is an error naming the setting, never a silently clamped number.
 */
export function resolveSamplerSettings(
  preset: string = DEFAULT_SAMPLER_PRESET,
  overrides: Partial<SamplerSettings> = {},
): SamplerSettings {
  if (!isPresetName(preset)) {
    throw new PygboxError('usage', `unknown sampler preset "${preset}"`, {
      place: { field: 'preset' },
      hint: `use one of: ${SAMPLER_PRESET_NAMES.join(', ')}`,
    });
  }
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
  const parsed = samplerSettingsSchema.safeParse({ ...SAMPLER_PRESETS[preset], ...defined });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') ?? '';
  throw new PygboxError('usage', `invalid sampler setting: ${issue?.message ?? 'invalid value'}`, {
    place: { field },
    hint: 'temperature >= 0, top_p and typical_p in (0, 1], min_p in [0, 1], top_k and the penalty range whole numbers >= 0, repetition_penalty > 0, max_new_tokens >= 1',
  });
}
