import { candidateIds, keepAtMost, scoresOf } from './candidates.ts';
import { massThreshold } from './mass-threshold.ts';

/**
 * Keeps the k most likely tokens. Tokens tied with the k-th are kept too, as Hugging Face's
 * TopKLogitsWarper keeps everything not below the k-th value. k = 0 (or k >= the candidates) keeps
 * all. Returns a new array.
 */
export function applyTopK(logits: Float32Array, k: number): Float32Array {
  const ids = candidateIds(logits);
  if (k === 0 || k >= ids.length) return Float32Array.from(logits);
  const scores = scoresOf(logits, ids, (id) => -(logits[id] as number));
  return keepAtMost(logits, scores, massThreshold(ids, scores, undefined, k));
}
