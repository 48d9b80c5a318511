/**
 * The repetition penalty as a short list instead of a penalised copy of the vocabulary: the ids
 * seen in the context window, ascending, and the logit each one has after the penalty. The fast
 * sampler walks the raw logits in the runs between these ids and takes these values at them, so a
 * token costs no 50k-entry copy. The values follow repetition-penalty.ts after finite-logits.ts
 * exactly (stored as float32, as that copy stores them): NaN becomes -Infinity, +Infinity stays
 * +Infinity (finite-logits.ts makes every +Infinity token certain before any penalty), a positive
 * logit is divided by the penalty, any other multiplied.
 */
export interface PenalisedIds {
  ids: Uint32Array;
  values: Float32Array;
}

const NONE: PenalisedIds = { ids: new Uint32Array(0), values: new Float32Array(0) };

export function penalisedIds(
  logits: Float32Array,
  context: readonly number[],
  penalty: number,
  range: number,
): PenalisedIds {
  if (penalty === 1 || context.length === 0) return NONE;
  const start = range === 0 ? 0 : Math.max(0, context.length - range);
  const seen = new Set<number>();
  for (let index = start; index < context.length; index += 1) {
    const id = context[index];
    if (id === undefined || id < 0 || id >= logits.length || !Number.isInteger(id)) continue;
    seen.add(id);
  }
  const ids = Uint32Array.from(seen).sort();
  const values = new Float32Array(ids.length);
  for (let index = 0; index < ids.length; index += 1) {
    const logit = logits[ids[index] as number] as number;
    if (Number.isNaN(logit)) values[index] = Number.NEGATIVE_INFINITY;
    else if (logit === Number.POSITIVE_INFINITY) values[index] = logit;
    else values[index] = logit > 0 ? logit / penalty : logit * penalty;
  }
  return { ids, values };
}
