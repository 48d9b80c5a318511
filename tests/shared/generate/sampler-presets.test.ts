import { describe, expect, it } from 'vitest';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';
import {
  DEFAULT_SAMPLER_PRESET,
  resolveSamplerSettings,
  SAMPLER_PRESET_NAMES,
} from '../../../shared/generate/sampler-presets.ts';
import { samplerSettingsSchema } from '../../../shared/generate/sampler-settings.ts';

function expectPygboxError(run: () => unknown, expected: { code: string; field: string }): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(PygboxError);
  expect(caught).toMatchObject({ code: expected.code, place: { field: expected.field } });
}

describe('sampler presets', () => {
  it('are all valid settings, and the default is one of them', () => {
    for (const name of SAMPLER_PRESET_NAMES) {
      expect(samplerSettingsSchema.safeParse(resolveSamplerSettings(name)).success).toBe(true);
    }
    expect(SAMPLER_PRESET_NAMES).toContain(DEFAULT_SAMPLER_PRESET);
    expect(resolveSamplerSettings('greedy').temperature).toBe(0);
  });

  it('take the user changes on top, ignoring options left unset', () => {
    const settings = resolveSamplerSettings('balanced', { top_p: 0.5, seed: 3, top_k: undefined });
    expect(settings).toMatchObject({ top_p: 0.5, seed: 3, top_k: 40, temperature: 0.7 });
  });

  it('refuse an unknown preset or an out-of-range value, naming the setting', () => {
    expectPygboxError(() => resolveSamplerSettings('wild'), { code: 'usage', field: 'preset' });
    expectPygboxError(() => resolveSamplerSettings('balanced', { top_p: 1.5 }), {
      code: 'usage',
      field: 'top_p',
    });
    expectPygboxError(() => resolveSamplerSettings('balanced', { temperature: -1 }), {
      code: 'usage',
      field: 'temperature',
    });
  });
});
