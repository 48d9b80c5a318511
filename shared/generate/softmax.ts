/**
 * Probabilities from logits, in float64 so the mass sums used by top-p and typical sampling do not
 * drift over a 50k-token vocabulary. Removed tokens (logit -Infinity) get probability 0; the max is
 * subtracted first so large logits do not overflow. Plain loops throughout: these run over the
 * whole vocabulary for every token drawn.
 */
export function softmax(logits: Float32Array): Float64Array {
  const probabilities = new Float64Array(logits.length);
  let max = Number.NEGATIVE_INFINITY;
  for (let index = 0; index < logits.length; index += 1) {
    const logit = logits[index] as number;
    if (logit > max) max = logit;
  }
  if (max === Number.NEGATIVE_INFINITY) return probabilities;
  let sum = 0;
  for (let index = 0; index < logits.length; index += 1) {
    const logit = logits[index] as number;
    if (logit === Number.NEGATIVE_INFINITY) continue;
    const probability = Math.exp(logit - max);
    probabilities[index] = probability;
    sum += probability;
  }
  for (let index = 0; index < probabilities.length; index += 1) {
    probabilities[index] = (probabilities[index] as number) / sum;
  }
  return probabilities;
}
