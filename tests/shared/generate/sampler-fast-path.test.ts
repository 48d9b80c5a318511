import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { processLogits, sampleNextToken } from '../../../shared/generate/sample-next-token.ts';
import { SAMPLER_PRESETS } from '../../../shared/generate/sampler-presets.ts';
import type { SamplerSettings } from '../../../shared/generate/sampler-settings.ts';
import { seededRandom } from '../../../shared/generate/seeded-random.ts';
import { softmax } from '../../../shared/generate/softmax.ts';
import { referenceProcessLogits, referenceSampleNextToken } from './reference-sampler.ts';

/**
 * The fused sampler (greedy pass, top-k heap, one tempered copy) against the step-by-step one it
 * replaced (reference-sampler.ts): the same token for the same seed, and the same distribution.
 * Small vocabularies of a few repeated values make ties (with the k-th, with the largest) common;
 * NaN, +Infinity and -Infinity entries, tiny temperatures (which send the tail to -Infinity in
 * float32) and penalised ids inside and outside the vocabulary are all drawn.
 */
const logitArbitrary = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -4, max: 4 }).map((value) => value / 2) },
  { weight: 4, arbitrary: fc.double({ min: -30, max: 30, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(Number.NEGATIVE_INFINITY, Number.NaN, Number.POSITIVE_INFINITY) },
);

const settingsArbitrary = (vocabulary: number) =>
  fc.record({
    temperature: fc.oneof(
      fc.constantFrom(0, 1, 1e-38, 1e-6, 10),
      fc.double({ min: 0.05, max: 3, noNaN: true }),
    ),
    top_k: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: vocabulary + 2 })),
    top_p: fc.oneof(fc.constant(1), fc.double({ min: 0.01, max: 1, noNaN: true })),
    min_p: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1, noNaN: true })),
    typical_p: fc.oneof(fc.constant(1), fc.double({ min: 0.01, max: 1, noNaN: true })),
    repetition_penalty: fc.oneof(fc.constant(1), fc.double({ min: 0.5, max: 3, noNaN: true })),
    repetition_penalty_range: fc.integer({ min: 0, max: 6 }),
    max_new_tokens: fc.constant(16),
  }) satisfies fc.Arbitrary<SamplerSettings>;

const caseArbitrary = fc.integer({ min: 1, max: 40 }).chain((vocabulary) =>
  fc.record({
    logits: fc.array(logitArbitrary, { minLength: vocabulary, maxLength: vocabulary }),
    context: fc.array(fc.integer({ min: -1, max: vocabulary + 1 }), { maxLength: 10 }),
    settings: settingsArbitrary(vocabulary),
    seed: fc.integer({ min: 0, max: 0xffff_ffff }),
  }),
);

/** The outcome of one sampler: the token and the distribution drawn from, or that it refused. */
function outcome(run: () => { token: number; processed: Float32Array }) {
  try {
    const { token, processed } = run();
    return { token, probabilities: [...softmax(processed)], refused: false };
  } catch {
    return { token: -1, probabilities: [], refused: true };
  }
}

function compare(
  logits: Float32Array,
  context: readonly number[],
  settings: SamplerSettings,
  seed: number,
): void {
  const reference = outcome(() => ({
    token: referenceSampleNextToken(logits, context, settings, seededRandom(seed)),
    processed: referenceProcessLogits(logits, context, settings),
  }));
  const fast = outcome(() => ({
    token: sampleNextToken(logits, context, settings, seededRandom(seed)),
    processed: processLogits(logits, context, settings),
  }));
  expect(fast.refused).toBe(reference.refused);
  expect(fast.token).toBe(reference.token);
  expect(fast.probabilities).toEqual(reference.probabilities.map((p) => expect.closeTo(p, 6)));
}

describe('the fast sampler', () => {
  it('draws the same token from the same distribution as the step-by-step sampler', () => {
    fc.assert(
      fc.property(caseArbitrary, ({ logits, context, settings, seed }) => {
        compare(Float32Array.from(logits), context, settings, seed);
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees on a 50k vocabulary with every preset and a long context', () => {
    const random = seededRandom(7);
    const context = Array.from({ length: 600 }, () => Math.floor(random() * 50_272));
    for (let step = 0; step < 6; step += 1) {
      // Normal-ish logits with a few repeated values, as a model's float32 output has.
      const logits = Float32Array.from(
        { length: 50_272 },
        () => Math.round((random() + random() - 1) * 800) / 100,
      );
      for (const [name, preset] of Object.entries(SAMPLER_PRESETS)) {
        compare(logits, context, { ...preset }, step * 31 + name.length);
      }
    }
  });
});
