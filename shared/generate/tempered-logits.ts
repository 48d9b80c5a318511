import type { Candidates } from './candidates.ts';
import { assertUsable } from './greedy-token.ts';
import type { PenalisedIds } from './penalised-ids.ts';

/**
 * Without top-k, the other filters need the whole vocabulary; this makes the one copy they work
 * on: NaN removed, +Infinity certain (finite-logits.ts), the penalty at the context's ids and the
 * temperature (temperature.ts's expression), written in one array instead of the three copies the
 * separate steps make.
 */
export function temperedLogits(
  logits: Float32Array,
  penalised: PenalisedIds,
  temperature: number,
): Candidates {
  const result = new Float32Array(logits.length);
  let max = Number.NEGATIVE_INFINITY;
  let certain = false;
  for (let index = 0; index < logits.length; index += 1) {
    const logit = logits[index] as number;
    if (logit > max) {
      if (logit === Number.POSITIVE_INFINITY) certain = true;
      else max = logit;
    }
    result[index] = Number.isNaN(logit) ? Number.NEGATIVE_INFINITY : logit;
  }
  if (certain) {
    for (let index = 0; index < logits.length; index += 1) {
      result[index] = logits[index] === Number.POSITIVE_INFINITY ? 0 : Number.NEGATIVE_INFINITY;
    }
    return { ids: undefined, logits: result };
  }
  if (max === Number.NEGATIVE_INFINITY) assertUsable(logits);
  if (penalised.ids.length > 0) {
    for (let index = 0; index < penalised.ids.length; index += 1) {
      result[penalised.ids[index] as number] = penalised.values[index] as number;
    }
    // The penalty lowers logits, so the largest may have moved.
    max = Number.NEGATIVE_INFINITY;
    for (let index = 0; index < result.length; index += 1) {
      if ((result[index] as number) > max) max = result[index] as number;
    }
  }
  if (temperature !== 1 && max !== Number.NEGATIVE_INFINITY) {
    for (let index = 0; index < result.length; index += 1) {
      result[index] = ((result[index] as number) - max) / temperature;
    }
  }
  return { ids: undefined, logits: result };
}
