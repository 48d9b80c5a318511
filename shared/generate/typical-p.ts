import { candidateIds, keepAtMost, scoresOf } from './candidates.ts';
import { massThreshold } from './mass-threshold.ts';
import { softmax } from './softmax.ts';

/**
 * Locally typical sampling (Meister et al. 2022, Hugging Face's TypicalLogitsWarper): ranks tokens
 * by how far their surprise (-log p) is from the distribution's entropy, and keeps the most typical
 * ones until their mass reaches `typicalP` (tokens tied with the last one kept stay too). Unlike
 * top-p it can drop the single most likely token when that token is far more predictable than the
 * text usually is. typicalP = 1 keeps all. Returns a new array.
 */
export function applyTypicalP(logits: Float32Array, typicalP: number): Float32Array {
  if (typicalP >= 1) return Float32Array.from(logits);
  const probabilities = softmax(logits);
  const ids = candidateIds(logits);
  let entropy = 0;
  for (const id of ids) {
    const probability = probabilities[id] as number;
    if (probability > 0) entropy -= probability * Math.log(probability);
  }
  const scores = scoresOf(logits, ids, (id) => Math.abs(-Math.log(probabilities[id] as number) - entropy));
  return keepAtMost(logits, scores, massThreshold(ids, scores, probabilities, typicalP));
}
