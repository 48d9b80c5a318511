import { SAMPLER_PRESETS, type SamplerPresetName } from '../../shared/generate/sampler-presets.ts';
import type { SamplerSettings } from '../../shared/generate/sampler-settings.ts';

/** The sampler settings the page's inputs show, by setting name (input ids in the page). */
export const SAMPLER_FIELDS = [
  'temperature',
  'top_p',
  'top_k',
  'typical_p',
  'min_p',
  'repetition_penalty',
  'repetition_penalty_range',
  'max_new_tokens',
  'seed',
] as const satisfies readonly (keyof SamplerSettings)[];
export type SamplerField = (typeof SAMPLER_FIELDS)[number];

/** `top_p` → `top-p`: the page's input id of a setting. */
export function samplerInputId(field: SamplerField): string {
  return field.replaceAll('_', '-');
}

/** What the inputs show for settings: numbers as typed, the seed empty when none (random). */
export function samplerFormValues(settings: SamplerSettings): Record<SamplerField, string> {
  const values = {} as Record<SamplerField, string>;
  for (const field of SAMPLER_FIELDS) {
    const value = settings[field];
    values[field] = value === undefined ? '' : String(value);
  }
  return values;
}

/**
 * The user's overrides from the inputs: a value that differs from the preset's. An empty input
 * means the preset's value (for the seed: random). Text that is no number is passed on as NaN, so
 * the shared resolver refuses it with the setting's name rather than this page guessing.
 */
export function samplerOverridesFromForm(
  preset: string,
  values: Partial<Record<SamplerField, string>>,
): Partial<SamplerSettings> {
  const base: Partial<SamplerSettings> = Object.hasOwn(SAMPLER_PRESETS, preset)
    ? SAMPLER_PRESETS[preset as SamplerPresetName]
    : {};
  const overrides: Partial<Record<SamplerField, number>> = {};
  for (const field of SAMPLER_FIELDS) {
    const text = values[field]?.trim() ?? '';
    if (text === '') continue;
    const value = Number(text);
    if (value !== base[field]) overrides[field] = value;
  }
  return overrides;
}

/**
 * What a completed save writes back into the inputs: the values of the settings now in effect
 * (`shown`), but only in fields whose text is still what the save read from them (`read`). A field
 * the user typed in while the save was stored keeps its text: its own `change` saves it next.
 */
export function samplerFieldsToRedraw(
  read: Readonly<Record<SamplerField, string>>,
  now: Readonly<Record<SamplerField, string>>,
  shown: Readonly<Record<SamplerField, string>>,
): Partial<Record<SamplerField, string>> {
  const redraw: Partial<Record<SamplerField, string>> = {};
  for (const field of SAMPLER_FIELDS) {
    if (now[field] === read[field] && now[field] !== shown[field]) redraw[field] = shown[field];
  }
  return redraw;
}
