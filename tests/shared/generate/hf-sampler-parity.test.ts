import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { candidateIds } from '../../../shared/generate/candidates.ts';
import { processLogits } from '../../../shared/generate/sample-next-token.ts';
import { SAMPLER_PRESETS } from '../../../shared/generate/sampler-presets.ts';
import type { SamplerSettings } from '../../../shared/generate/sampler-settings.ts';
import { seededRandom } from '../../../shared/generate/seeded-random.ts';
import { softmax } from '../../../shared/generate/softmax.ts';
import { workerPaths } from '../../../trainer-node/worker-process/worker-paths.ts';

/**
 * The sampler against Hugging Face's own logits processors (real transformers, real torch): for
 * seeded logits and each setting the chat page offers, the same tokens survive and they keep the
 * same probabilities. The filters here are histogram-narrowed re-implementations; this is what
 * says they mean what transformers means by top_p, typical_p, min_p, top_k and the penalty.
 */
const VOCABULARY = 3_000;
const random = seededRandom(2026);
function normalLogits(spread: number): number[] {
  return Array.from({ length: VOCABULARY }, () => {
    const radius = Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12)));
    return Math.fround(spread * radius * Math.cos(2 * Math.PI * random()));
  });
}
const context = Array.from({ length: 40 }, () => Math.floor(random() * 200));
const off: SamplerSettings = { ...SAMPLER_PRESETS.greedy, temperature: 1 };
const SETTINGS: Record<string, SamplerSettings> = {
  'top_p 0.9': { ...off, top_p: 0.9 },
  'top_p 0.5 at T 0.7': { ...off, temperature: 0.7, top_p: 0.5 },
  'top_k 50 then top_p 0.8': { ...off, top_k: 50, top_p: 0.8 },
  'typical_p 0.9 at T 0.8': { ...off, temperature: 0.8, typical_p: 0.9 },
  'typical_p 0.3': { ...off, typical_p: 0.3 },
  'min_p 0.05 at T 1.3': { ...off, temperature: 1.3, min_p: 0.05 },
  'repetition penalty 1.3 over the whole context': { ...off, repetition_penalty: 1.3, top_p: 0.95 },
  'repetition penalty 1.2 over the last 8 tokens': {
    ...off,
    repetition_penalty: 1.2,
    repetition_penalty_range: 8,
    top_k: 100,
  },
  'balanced preset': { ...SAMPLER_PRESETS.balanced },
  'creative preset': { ...SAMPLER_PRESETS.creative },
  'typical preset': { ...SAMPLER_PRESETS.typical },
  'precise preset': { ...SAMPLER_PRESETS.precise },
};
const cases = Object.entries(SETTINGS).flatMap(([name, settings]) =>
  [1.5, 4].map((spread) => ({
    name: `${name}, logits spread ${spread}`,
    settings,
    logits: normalLogits(spread),
  })),
);

function huggingFace(): (number | null)[][] {
  const paths = workerPaths();
  const output = execFileSync(paths.python, [join(import.meta.dirname, 'hf_warpers.py')], {
    input: JSON.stringify({
      cases: cases.map(({ logits, settings }) => ({ logits, context, settings })),
    }),
    maxBuffer: 64 * 1024 * 1024,
  });
  return z.array(z.array(z.number().nullable())).parse(JSON.parse(output.toString('utf8')));
}

describe("the sampler matches Hugging Face's logits processors", () => {
  const reference = huggingFace();

  it.each(cases.map((testCase, index) => [testCase.name, index] as const))('%s', (_name, index) => {
    const testCase = cases[index];
    const expected = reference[index];
    if (testCase === undefined || expected === undefined) throw new Error('case missing');
    const ours = processLogits(Float32Array.from(testCase.logits), context, testCase.settings);
    const theirs = Float32Array.from(expected, (value) => value ?? Number.NEGATIVE_INFINITY);
    const keptIds = [...candidateIds(ours)];
    expect(keptIds).toEqual([...candidateIds(theirs)]);
    expect(keptIds.length).toBeGreaterThan(0);
    const ourProbabilities = softmax(ours);
    const theirProbabilities = softmax(theirs);
    let largest = 0;
    for (const id of keptIds) {
      largest = Math.max(largest, Math.abs((ourProbabilities[id] ?? 0) - (theirProbabilities[id] ?? 0)));
    }
    expect(largest).toBeLessThan(1e-5);
  });
});
