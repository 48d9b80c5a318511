/**
 * The arrays the sampler's filters share: which tokens are still in the running (a removed token
 * has logit -Infinity), a score per candidate, and a copy that keeps the candidates scoring at most
 * a threshold. Plain indexed loops: these run over the whole vocabulary for every token drawn.
 */

/** The tokens still in the running (finite logit), in id order. */
export function candidateIds(logits: Float32Array): Uint32Array {
  let count = 0;
  for (let index = 0; index < logits.length; index += 1) {
    if (logits[index] !== Number.NEGATIVE_INFINITY) count += 1;
  }
  const ids = new Uint32Array(count);
  let next = 0;
  for (let index = 0; index < logits.length; index += 1) {
    if (logits[index] !== Number.NEGATIVE_INFINITY) ids[next++] = index;
  }
  return ids;
}

/** Per-token scores for the candidates (`score(id)`), +Infinity for removed tokens. */
export function scoresOf(
  logits: Float32Array,
  ids: Uint32Array,
  score: (id: number) => number,
): Float64Array {
  const scores = new Float64Array(logits.length).fill(Number.POSITIVE_INFINITY);
  for (let index = 0; index < ids.length; index += 1) {
    const id = ids[index] as number;
    scores[id] = score(id);
  }
  return scores;
}

/** A copy of `logits` keeping the tokens whose score is at most `threshold`, the rest -Infinity. */
export function keepAtMost(logits: Float32Array, scores: Float64Array, threshold: number): Float32Array {
  const result = Float32Array.from(logits);
  for (let index = 0; index < result.length; index += 1) {
    if (!((scores[index] as number) <= threshold)) result[index] = Number.NEGATIVE_INFINITY;
  }
  return result;
}

/**
 * The tokens still in the running and their logits. After the first filter usually a few dozen of
 * 50k remain, so the rest of the steps work on those alone (`ids` maps back to token ids; absent,
 * position is the token id). Always in id order, as the full-vocabulary steps see them, so sums run
 * in the same order and give the same floats.
 */
export interface Candidates {
  ids: Uint32Array | undefined;
  logits: Float32Array;
}

/** Drops removed tokens from the arrays, so later steps no longer scan the whole vocabulary. */
export function narrow(candidates: Candidates): Candidates {
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
