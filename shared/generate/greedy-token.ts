import { PygboxError } from '../errors/pygbox-error.ts';
import type { PenalisedIds } from './penalised-ids.ts';

/**
 * Greedy decoding (temperature 0) in one pass over the logits and no copy: the most likely token
 * after the repetition penalty, the lowest id winning a tie, exactly as the full pipeline (NaN
 * removed, +Infinity certain, penalty, argmax) picks it. NaN never compares greater, so it is
 * skipped; the first +Infinity wins, as finite-logits.ts leaves the +Infinity tokens alone in the
 * running, tied, and the lowest id takes the tie. This pass is all the JavaScript a greedy token
 * costs, so it is a plain indexed loop.
 */
export function greedyToken(logits: Float32Array, penalised: PenalisedIds): number {
  let best = 0;
  let bestLogit = Number.NEGATIVE_INFINITY;
  let start = 0;
  for (let run = 0; run <= penalised.ids.length; run += 1) {
    const end = run < penalised.ids.length ? (penalised.ids[run] as number) : logits.length;
    for (let index = start; index < end; index += 1) {
      const logit = logits[index] as number;
      if (logit > bestLogit) {
        best = index;
        bestLogit = logit;
      }
    }
    if (end < logits.length) {
      const logit = penalised.values[run] as number;
      if (logit > bestLogit) {
        best = end;
        bestLogit = logit;
      }
    }
    start = end + 1;
  }
  if (bestLogit === Number.NEGATIVE_INFINITY) assertUsable(logits);
  return best;
}

/**
 * Nothing finite or +Infinity in the model's output: broken (finite-logits.ts's error). A token
 * the penalty pushed to -Infinity (float32 overflow) leaves the others usable, so the raw logits
 * decide; then, as argmax over all -Infinity, token 0.
 */
export function assertUsable(logits: Float32Array): void {
  for (let index = 0; index < logits.length; index += 1) {
    const logit = logits[index] as number;
    if (!Number.isNaN(logit) && logit !== Number.NEGATIVE_INFINITY) return;
  }
  throw new PygboxError('input-unreadable', 'the model returned no usable logits (all NaN or -Infinity)', {
    place: { field: 'logits' },
    hint: 'run the fp32 file (--dtype fp32); if that fails too, export the checkpoint again',
  });
}
