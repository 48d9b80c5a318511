import { describe, expect, it } from 'vitest';
import { PygboxError } from '../../../shared/errors/pygbox-error.ts';
import { candidateIds } from '../../../shared/generate/candidates.ts';
import { applyMinP } from '../../../shared/generate/min-p.ts';
import { applyRepetitionPenalty } from '../../../shared/generate/repetition-penalty.ts';
import { argmax, processLogits, sampleNextToken } from '../../../shared/generate/sample-next-token.ts';
import { SAMPLER_PRESETS } from '../../../shared/generate/sampler-presets.ts';
import type { SamplerSettings } from '../../../shared/generate/sampler-settings.ts';
import { seededRandom } from '../../../shared/generate/seeded-random.ts';
import { softmax } from '../../../shared/generate/softmax.ts';
import { applyTemperature } from '../../../shared/generate/temperature.ts';
import { applyTopK } from '../../../shared/generate/top-k.ts';
import { applyTopP } from '../../../shared/generate/top-p.ts';
import { applyTypicalP } from '../../../shared/generate/typical-p.ts';

/**
 * Fixed logits whose probabilities are known exactly: ln(p) for p by token id. The ids are not in
 * probability order, so a filter that forgot to sort would keep the wrong tokens.
 *   id:   0     1    2     3
 *   p:  0.15  0.5  0.05  0.3
 */
const PROBABILITIES = [0.15, 0.5, 0.05, 0.3];
const logits = () => Float32Array.from(PROBABILITIES, Math.log);
const kept = (processed: Float32Array) => [...candidateIds(processed)];
const off: SamplerSettings = { ...SAMPLER_PRESETS.greedy, temperature: 1 };

describe('softmax', () => {
  it('recovers the probabilities the logits were made from, removed tokens at 0', () => {
    const probabilities = softmax(logits());
    expect([...probabilities]).toEqual(PROBABILITIES.map((p) => expect.closeTo(p, 6)));
    const masked = logits();
    masked[1] = Number.NEGATIVE_INFINITY;
    expect(softmax(masked)[1]).toBe(0);
    expect(softmax(masked)[3]).toBeCloseTo(0.3 / 0.5, 6);
  });
});

describe('top-p', () => {
  it('keeps the most likely tokens until their mass reaches top_p and removes exactly the tail', () => {
    // Sorted: 1 (0.5), 3 (0.3), 0 (0.15), 2 (0.05); cumulative before each: 0, 0.5, 0.8, 0.95.
    expect(kept(applyTopP(logits(), 0.45))).toEqual([1]);
    expect(kept(applyTopP(logits(), 0.75))).toEqual([1, 3]);
    expect(kept(applyTopP(logits(), 0.85))).toEqual([0, 1, 3]);
    expect(kept(applyTopP(logits(), 0.97))).toEqual([0, 1, 2, 3]);
    expect(kept(applyTopP(logits(), 1))).toEqual([0, 1, 2, 3]);
  });

  it('leaves the kept logits unchanged and does not modify its input', () => {
    const input = logits();
    const output = applyTopP(input, 0.75);
    expect(output[1]).toBe(input[1]);
    expect(output[3]).toBe(input[3]);
    expect(input[0]).toBe(Math.fround(Math.log(0.15)));
  });
});

describe('top-k', () => {
  it('keeps the k highest logits, ties with the k-th included; 0 keeps all', () => {
    const values = Float32Array.of(1, 3, 2, 3, 0);
    expect(kept(applyTopK(values, 2))).toEqual([1, 3]);
    expect(kept(applyTopK(values, 1))).toEqual([1, 3]);
    expect(kept(applyTopK(values, 3))).toEqual([1, 2, 3]);
    expect(kept(applyTopK(values, 0))).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('min-p', () => {
  it('drops tokens below min_p times the most likely one', () => {
    // Most likely 0.5: min_p 0.35 cuts at 0.175, min_p 0.2 at 0.1.
    expect(kept(applyMinP(logits(), 0.35))).toEqual([1, 3]);
    expect(kept(applyMinP(logits(), 0.2))).toEqual([0, 1, 3]);
    expect(kept(applyMinP(logits(), 0))).toEqual([0, 1, 2, 3]);
  });
});

describe('typical-p', () => {
  it('keeps the tokens whose surprise is nearest the entropy, which can drop the most likely one', () => {
    // Entropy H = -Σ p ln p = 1.1422. Surprise -ln p: id1 0.693, id3 1.204, id0 1.897, id2 2.996.
    // Distance from H: id3 0.062, id1 0.449, id0 0.755, id2 1.854 -> that order, masses 0.3, 0.5, ...
    expect(kept(applyTypicalP(logits(), 0.25))).toEqual([3]);
    expect(kept(applyTypicalP(logits(), 0.5))).toEqual([1, 3]);
    expect(kept(applyTypicalP(logits(), 0.9))).toEqual([0, 1, 3]);
    expect(kept(applyTypicalP(logits(), 1))).toEqual([0, 1, 2, 3]);
  });
});

describe('temperature', () => {
  it('divides the logits, sharpening the distribution below 1 (p^(1/T) renormalised)', () => {
    const probabilities = softmax(applyTemperature(logits(), 0.5));
    const squared = PROBABILITIES.map((p) => p * p);
    const total = squared.reduce((sum, value) => sum + value, 0);
    expect([...probabilities]).toEqual(squared.map((value) => expect.closeTo(value / total, 5)));
  });
});

describe('repetition penalty', () => {
  const values = Float32Array.of(2, -2, 1, 0.5, 3);

  it('divides positive logits and multiplies negative ones of tokens in the context', () => {
    const penalised = applyRepetitionPenalty(values, [0, 1], 2, 0);
    expect([...penalised]).toEqual([1, -4, 1, 0.5, 3]);
  });

  it('penalises a token once however often it occurs', () => {
    expect(applyRepetitionPenalty(values, [4, 4, 4], 2, 0)[4]).toBe(1.5);
  });

  it('looks only at the last repetition_penalty_range tokens (0: the whole context)', () => {
    const context = [0, 1, 4, 2];
    expect([...applyRepetitionPenalty(values, context, 2, 2)]).toEqual([2, -2, 0.5, 0.5, 1.5]);
    expect([...applyRepetitionPenalty(values, context, 2, 0)]).toEqual([1, -4, 0.5, 0.5, 1.5]);
    expect([...applyRepetitionPenalty(values, context, 1, 0)]).toEqual([...values]);
  });
});

describe('the sampler pipeline', () => {
  it('applies top-k before top-p, so top-p measures mass among the top-k survivors', () => {
    // p = 0.4, 0.3, 0.2, 0.1. Top-k 2 leaves 0.4/0.7 = 0.571 and 0.429; top-p 0.5 then keeps one.
    // (Top-p first would keep two, and top-k 2 would keep both.)
    const values = Float32Array.from([0.4, 0.3, 0.2, 0.1], Math.log);
    expect(kept(processLogits(values, [], { ...off, top_k: 2, top_p: 0.5 }))).toEqual([0]);
  });

  it('applies temperature before top-p', () => {
    // At T 0.5 the top token holds 0.685 of the mass, so top-p 0.6 keeps it alone; at T 1 it holds 0.5.
    expect(kept(processLogits(logits(), [], { ...off, temperature: 0.5, top_p: 0.6 }))).toEqual([1]);
    expect(kept(processLogits(logits(), [], { ...off, temperature: 1, top_p: 0.6 }))).toEqual([1, 3]);
  });

  it('is greedy at temperature 0, after the repetition penalty', () => {
    const random = seededRandom(1);
    expect(sampleNextToken(logits(), [], { ...SAMPLER_PRESETS.greedy }, random)).toBe(1);
    // ln 0.5 = -0.69 * 3 = -2.08 < ln 0.3 = -1.20: the penalty hands the win to token 3.
    const penalised = { ...SAMPLER_PRESETS.greedy, repetition_penalty: 3 };
    expect(sampleNextToken(logits(), [1], penalised, random)).toBe(3);
    expect(argmax(Float32Array.of(1, 5, 5))).toBe(1);
  });

  it('draws from the processed distribution: frequencies follow it and removed tokens never come', () => {
    const random = seededRandom(42);
    const counts = [0, 0, 0, 0];
    const draws = 20_000;
    const settings = { ...off, top_p: 0.75 };
    for (let draw = 0; draw < draws; draw += 1) {
      const id = sampleNextToken(logits(), [], settings, random);
      counts[id] = (counts[id] ?? 0) + 1;
    }
    expect(counts[0]).toBe(0);
    expect(counts[2]).toBe(0);
    expect((counts[1] ?? 0) / draws).toBeCloseTo(0.5 / 0.8, 1);
    expect((counts[3] ?? 0) / draws).toBeCloseTo(0.3 / 0.8, 1);
  });

  it('repeats its draws for the same seed and differs for another', () => {
    const draw = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 30 }, () => sampleNextToken(logits(), [], off, random));
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });
});

describe('the filters on a full-size vocabulary', () => {
  // 50k seeded logits: the filters narrow the pool by histogram before sorting, which the
  // four-token cases above never reach.
  const random = seededRandom(5);
  // Normal logits (Box-Muller), standard deviation 2.5: hundreds to thousands of tokens share the mass.
  const vocabulary = Float32Array.from({ length: 50_272 }, () => {
    const radius = Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12)));
    return 2.5 * radius * Math.cos(2 * Math.PI * random());
  });
  const probabilities = softmax(vocabulary);
  const ids = Array.from(vocabulary.keys());

  /** The reference: sort everything by the score, keep the shortest run reaching the target. */
  function byFullSort(
    score: (id: number) => number,
    weight: (id: number) => number,
    target: number,
  ): number[] {
    const ordered = [...ids].sort((a, b) => score(a) - score(b));
    let sum = 0;
    const result: number[] = [];
    for (const id of ordered) {
      if (sum >= target) break;
      result.push(id);
      sum += weight(id);
    }
    return result.sort((a, b) => a - b);
  }

  it('top-k keeps the same tokens as a full sort', () => {
    const expected = byFullSort(
      (id) => -(vocabulary[id] ?? 0),
      () => 1,
      50,
    );
    expect(kept(applyTopK(vocabulary, 50))).toEqual(expected);
  });

  it('top-p keeps the same tokens as a full sort', () => {
    for (const topP of [0.5, 0.9, 0.99]) {
      const expected = byFullSort(
        (id) => -(probabilities[id] ?? 0),
        (id) => probabilities[id] ?? 0,
        topP,
      );
      expect(expected.length).toBeGreaterThan(100);
      expect(kept(applyTopP(vocabulary, topP))).toEqual(expected);
    }
  });

  it('typical-p keeps the same tokens as a full sort', () => {
    let entropy = 0;
    for (const p of probabilities) if (p > 0) entropy -= p * Math.log(p);
    const distance = (id: number) => Math.abs(-Math.log(probabilities[id] ?? 0) - entropy);
    const expected = byFullSort(distance, (id) => probabilities[id] ?? 0, 0.9);
    expect(expected.length).toBeGreaterThan(100);
    expect(kept(applyTypicalP(vocabulary, 0.9))).toEqual(expected);
  });
});

describe('logits the model should not have written', () => {
  it('removes NaN, makes +Infinity certain, and never returns a non-token', () => {
    const settings = { ...SAMPLER_PRESETS.creative, top_k: 0 };
    const random = seededRandom(3);
    const withNaN = Float32Array.of(1, Number.NaN, 2);
    const drawn = new Set(Array.from({ length: 200 }, () => sampleNextToken(withNaN, [], settings, random)));
    expect([...drawn].sort()).toEqual([0, 2]);
    const withInfinity = Float32Array.of(1, Number.POSITIVE_INFINITY, 2);
    expect(sampleNextToken(withInfinity, [], settings, random)).toBe(1);
    expect(sampleNextToken(withInfinity, [], SAMPLER_PRESETS.greedy, random)).toBe(1);
  });

  it('refuses logits with nothing finite in them, naming the logits', () => {
    let caught: unknown;
    try {
      sampleNextToken(Float32Array.of(Number.NaN, Number.NEGATIVE_INFINITY), [], off, seededRandom(1));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PygboxError);
    expect(caught).toMatchObject({ code: 'input-unreadable', place: { field: 'logits' } });
  });

  it('takes the most likely token at a temperature so small the logits would overflow', () => {
    // 10 / 1e-38 is beyond float32: divided without the shift, the top logit became +Infinity.
    const values = Float32Array.of(1, 10, 2, 9.5);
    const settings = { ...SAMPLER_PRESETS.creative, temperature: 1e-38 };
    const random = seededRandom(9);
    for (let draw = 0; draw < 20; draw += 1) expect(sampleNextToken(values, [], settings, random)).toBe(1);
    expect([...softmax(applyTemperature(values, 1e-38))]).toEqual([0, 1, 0, 0]);
  });
});

describe('top-p and typical-p when most probabilities underflow to 0', () => {
  // A low temperature spreads real logits by hundreds: exp() of the tail is 0 in float64, its
  // surprise +Infinity. Those scores once made the histogram narrowing loop forever.
  const spread = Float32Array.from({ length: 5_000 }, (_, id) => (id % 97) * 10);

  it('top-p terminates and keeps the same tokens as a full sort', () => {
    const probabilities = softmax(spread);
    const top = Math.max(...probabilities);
    const expected = [...spread.keys()].filter((id) => probabilities[id] === top);
    expect(expected.length).toBeGreaterThan(1);
    expect(kept(applyTopP(spread, 0.9))).toEqual(expected);
  });

  it('typical-p terminates, keeping only tokens with probability above 0', () => {
    const keptIds = kept(applyTypicalP(spread, 0.9));
    expect(keptIds.length).toBeGreaterThan(0);
    const probabilities = softmax(spread);
    expect(keptIds.every((id) => (probabilities[id] ?? 0) > 0)).toBe(true);
  });

  it('a whole draw at temperature 0.02 with the creative preset finishes', () => {
    const settings = { ...SAMPLER_PRESETS.creative, temperature: 0.02 };
    const id = sampleNextToken(spread, [], settings, seededRandom(4));
    expect(spread[id]).toBe(960);
  });
});
