import { type Candidates, narrow } from './candidates.ts';
import { finiteLogits } from './finite-logits.ts';
import { greedyToken } from './greedy-token.ts';
import { applyMinP } from './min-p.ts';
import { penalisedIds } from './penalised-ids.ts';
import { applyRepetitionPenalty } from './repetition-penalty.ts';
import type { SamplerSettings } from './sampler-settings.ts';
import { softmax } from './softmax.ts';
import { temperedLogits } from './tempered-logits.ts';
import { topKCandidates } from './top-k-candidates.ts';
import { applyTopP } from './top-p.ts';
import { applyTypicalP } from './typical-p.ts';

/**
 * The sampler's steps, in Hugging Face's order (its logits processors, then its warpers):
 *   0. NaN removed, +Infinity made certain (see finite-logits.ts)
 *   1. repetition penalty over the context window
 *   2. temperature (0: stop here and take the most likely token: greedy)
 *   3. top-k  4. top-p  5. min-p  6. typical-p  (each on what the previous left, renormalised)
 *   7. one draw from the softmax of what remains, with the caller's seeded random source.
 *
 * This runs for every token, over a 50k vocabulary, so steps 0-3 are fused (see greedy-token.ts,
 * top-k-candidates.ts, tempered-logits.ts) and the rest run on the candidates left; the result is
 * token for token what the steps' own functions, applied one after another, give (the property
 * test in tests/shared/generate/sampler-fast-path.test.ts holds it to that).
 */
export function nextTokenCandidates(
  logits: Float32Array,
  context: readonly number[],
  settings: SamplerSettings,
): Candidates {
  const penalised = penalisedIds(
    logits,
    context,
    settings.repetition_penalty,
    settings.repetition_penalty_range,
  );
  let candidates =
    settings.top_k > 0
      ? topKCandidates(logits, penalised, settings.temperature, settings.top_k)
      : narrow(temperedLogits(logits, penalised, settings.temperature));
  candidates = narrow({ ...candidates, logits: applyTopP(candidates.logits, settings.top_p) });
  candidates = narrow({ ...candidates, logits: applyMinP(candidates.logits, settings.min_p) });
  return narrow({ ...candidates, logits: applyTypicalP(candidates.logits, settings.typical_p) });
}

/**
 * The logits after every step but the draw, over the whole vocabulary (removed tokens at
 * -Infinity; at temperature 0 the penalised logits). For the tests and the chat page's "what would
 * be kept" display: not on the per-token path.
 */
export function processLogits(
  logits: Float32Array,
  context: readonly number[],
  settings: SamplerSettings,
): Float32Array {
  if (settings.temperature === 0) {
    return applyRepetitionPenalty(
      finiteLogits(logits),
      context,
      settings.repetition_penalty,
      settings.repetition_penalty_range,
    );
  }
  const candidates = nextTokenCandidates(logits, context, settings);
  if (candidates.ids === undefined) return candidates.logits;
  const full = new Float32Array(logits.length).fill(Number.NEGATIVE_INFINITY);
  for (let index = 0; index < candidates.ids.length; index += 1) {
    full[candidates.ids[index] as number] = candidates.logits[index] as number;
  }
  return full;
}

/** The next token id for `logits` (the last position's) given the context ids before it. */
export function sampleNextToken(
  logits: Float32Array,
  context: readonly number[],
  settings: SamplerSettings,
  random: () => number,
): number {
  if (settings.temperature === 0) {
    const penalised = penalisedIds(
      logits,
      context,
      settings.repetition_penalty,
      settings.repetition_penalty_range,
    );
    return greedyToken(logits, penalised);
  }
  const candidates = nextTokenCandidates(logits, context, settings);
  const tokenId = (position: number) =>
    candidates.ids === undefined ? position : (candidates.ids[position] as number);
  const probabilities = softmax(candidates.logits);
  let left = random();
  for (let position = 0; position < probabilities.length; position += 1) {
    left -= probabilities[position] as number;
    if (left < 0 && (probabilities[position] as number) > 0) return tokenId(position);
  }
  // Rounding left a sliver of mass undrawn: the most likely candidate takes it.
  return tokenId(argmax(candidates.logits));
}

/** The most likely token; the lowest id wins a tie, so greedy decoding is deterministic. */
export function argmax(logits: Float32Array): number {
  let best = 0;
  let bestLogit = Number.NEGATIVE_INFINITY;
  for (let index = 0; index < logits.length; index += 1) {
    const logit = logits[index] ?? Number.NEGATIVE_INFINITY;
    if (logit > bestLogit) {
      best = index;
      bestLogit = logit;
    }
  }
  return best;
}
