/**
 * The sampler as it was before the fast paths (commit 8a731fc's shared/generate/sample-next-token.ts,
 * renamed, its step functions unchanged): the reference the property test holds the fast paths to,
 * token for token, and the "before" of bench/sampler.bench.ts. Every step runs over the whole
 * vocabulary, copying it each time.
 */
import { candidateIds } from '../../../shared/generate/candidates.ts';
import { finiteLogits } from '../../../shared/generate/finite-logits.ts';
import { applyMinP } from '../../../shared/generate/min-p.ts';
import { applyRepetitionPenalty } from '../../../shared/generate/repetition-penalty.ts';
import type { SamplerSettings } from '../../../shared/generate/sampler-settings.ts';
import { softmax } from '../../../shared/generate/softmax.ts';
import { applyTemperature } from '../../../shared/generate/temperature.ts';
import { applyTopK } from '../../../shared/generate/top-k.ts';
import { applyTopP } from '../../../shared/generate/top-p.ts';
import { applyTypicalP } from '../../../shared/generate/typical-p.ts';

/**
 * The tokens still in the running and their logits. After the first filter usually a few dozen of
 * 50k remain, so the rest of the steps work on those alone (`ids` maps back to token ids; absent,
 * position is the token id).
 */
interface Candidates {
  ids: Uint32Array | undefined;
  logits: Float32Array;
}

/** Drops removed tokens from the arrays, so later steps no longer scan the whole vocabulary. */
function narrow(candidates: Candidates): Candidates {
  const kept = candidateIds(candidates.logits);
  if (kept.length === candidates.logits.length) return candidates;
  const ids = new Uint32Array(kept.length);
  const logits = new Float32Array(kept.length);
  for (let index = 0; index < kept.length; index += 1) {
    const position = kept[index] as number;
    ids[index] = candidates.ids === undefined ? position : (candidates.ids[position] as number);
    logits[index] = candidates.logits[position] as number;
  }
  return { ids, logits };
}

/**
 * The sampler's steps, in Hugging Face's order (its logits processors, then its warpers):
 *   0. NaN removed, +Infinity made certain (see finite-logits.ts)
 *   1. repetition penalty over the context window
 *   2. temperature (0: stop here and take the most likely token: greedy)
 *   3. top-k  4. top-p  5. min-p  6. typical-p  (each on what the previous left, renormalised)
 *   7. one draw from the softmax of what remains, with the caller's seeded random source.
 */
function processCandidates(
  logits: Float32Array,
  context: readonly number[],
  settings: SamplerSettings,
): Candidates {
  const penalised = applyRepetitionPenalty(
    finiteLogits(logits),
    context,
    settings.repetition_penalty,
    settings.repetition_penalty_range,
  );
  if (settings.temperature === 0) return { ids: undefined, logits: penalised };
  let candidates: Candidates = { ids: undefined, logits: applyTemperature(penalised, settings.temperature) };
  candidates = narrow({ ...candidates, logits: applyTopK(candidates.logits, settings.top_k) });
  candidates = narrow({ ...candidates, logits: applyTopP(candidates.logits, settings.top_p) });
  candidates = narrow({ ...candidates, logits: applyMinP(candidates.logits, settings.min_p) });
  return narrow({ ...candidates, logits: applyTypicalP(candidates.logits, settings.typical_p) });
}

/**
 * The logits after every step but the draw, over the whole vocabulary (removed tokens at
 * -Infinity). For the tests and the chat page's "what would be kept" display.
 */
export function referenceProcessLogits(
  logits: Float32Array,
  context: readonly number[],
  settings: SamplerSettings,
): Float32Array {
  const candidates = processCandidates(logits, context, settings);
  if (candidates.ids === undefined) return candidates.logits;
  const full = new Float32Array(logits.length).fill(Number.NEGATIVE_INFINITY);
  candidates.ids.forEach((id, index) => {
    full[id] = candidates.logits[index] as number;
  });
  return full;
}

/** The next token id for `logits` (the last position's) given the context ids before it. */
export function referenceSampleNextToken(
  logits: Float32Array,
  context: readonly number[],
  settings: SamplerSettings,
  random: () => number,
): number {
  const candidates = processCandidates(logits, context, settings);
  const tokenId = (position: number) =>
    candidates.ids === undefined ? position : (candidates.ids[position] as number);
  if (settings.temperature === 0) return tokenId(argmax(candidates.logits));
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
function argmax(logits: Float32Array): number {
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
