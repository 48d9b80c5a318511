import { candidateIds, keepAtMost, scoresOf } from './candidates.ts';
import { massThreshold } from './mass-threshold.ts';
import { softmax } from './softmax.ts';

/**
 * Nucleus sampling: keeps the most likely tokens until their probability mass reaches `topP`, and
 * removes the tail beyond it. The same set Hugging Face's TopPLogitsWarper keeps (it removes the
 * ascending-sorted tokens whose cumulative mass is at most 1 - top_p), except that tokens tied
 * with the last one kept are all kept rather than cut by sort order. transformers.js ignores top_p,
 * which is why this exists. topP = 1 keeps all. Returns a new array.
 */
export function applyTopP(logits: Float32Array, topP: number): Float32Array {
  if (topP >= 1) return Float32Array.from(logits);
  const probabilities = softmax(logits);
  const ids = candidateIds(logits);
  // Most likely first: the score is the surprise, -log p.
  const scores = scoresOf(logits, ids, (id) => -Math.log(probabilities[id] as number));
  return keepAtMost(logits, scores, massThreshold(ids, scores, probabilities, topP));
}
