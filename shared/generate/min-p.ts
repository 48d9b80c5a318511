import { candidateIds, keepAtMost, scoresOf } from './candidates.ts';
import { softmax } from './softmax.ts';

/**
 * Removes tokens whose probability is below `minP` times the most likely token's: a cut that
 * follows the model's confidence (strict when one token dominates, loose when many are close).
 * minP = 0 keeps all. Returns a new array.
 */
export function applyMinP(logits: Float32Array, minP: number): Float32Array {
  if (minP <= 0) return Float32Array.from(logits);
  const probabilities = softmax(logits);
  let top = 0;
  for (let index = 0; index < probabilities.length; index += 1) {
    if ((probabilities[index] as number) > top) top = probabilities[index] as number;
  }
  const scores = scoresOf(logits, candidateIds(logits), (id) => -(probabilities[id] as number));
  return keepAtMost(logits, scores, -(minP * top));
}
