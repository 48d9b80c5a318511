/** Pools this small are sorted outright; larger ones are narrowed by a histogram first. */
const SORT_BELOW = 64;
const BUCKETS = 64;

/**
 * The cut-off shared by top-k, top-p and typical sampling: taking `ids` in ascending `score`
 * order, the score at which their summed `weights` (1 each when absent) first reaches `target`.
 * Keeping every id whose score is at most the result keeps that shortest run, plus any ids tied
 * with its last one. When the whole pool falls short of the target, the largest finite score.
 *
 * Sorting a 50k vocabulary for every token drawn costs more than a small model's forward pass, so
 * the pool is narrowed first: a histogram of the scores finds the bucket where the sum crosses the
 * target; everything before it is kept, everything after dropped, and only that bucket's ids are
 * looked at again (a small pool is then sorted). Linear time in practice.
 *
 * Only finite scores take part. A token whose probability underflowed to 0 (a low temperature
 * spreads the logits by hundreds) has surprise -log 0 = +Infinity: in the histogram it made the
 * bucket width infinite and every bucket index NaN, so the pool never shrank and the loop never
 * ended. Such tokens rank last and weigh nothing, so leaving them out changes no cut.
 */
export function massThreshold(
  ids: Uint32Array,
  scores: Float64Array,
  weights: Float64Array | undefined,
  target: number,
): number {
  const weight = (id: number) => (weights === undefined ? 1 : (weights[id] as number));
  let pool = finiteScored(ids, scores);
  if (pool.length === 0) return Number.NEGATIVE_INFINITY;
  let need = target;
  for (;;) {
    const size = pool.length;
    if (size <= SORT_BELOW) {
      const ordered = Array.from(pool).sort((a, b) => (scores[a] as number) - (scores[b] as number));
      let sum = 0;
      for (const id of ordered) {
        sum += weight(id);
        if (sum >= need) return scores[id] as number;
      }
      return scores[ordered.at(-1) ?? 0] as number;
    }
    // Indexed loops, no closures per element: this runs over the whole vocabulary first.
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let index = 0; index < size; index += 1) {
      const score = scores[pool[index] as number] as number;
      if (score < min) min = score;
      if (score > max) max = score;
    }
    if (min === max) return min;
    const scale = BUCKETS / (max - min);
    const buckets = new Uint8Array(size);
    const sums = new Float64Array(BUCKETS);
    for (let index = 0; index < size; index += 1) {
      const id = pool[index] as number;
      const bucket = Math.min(BUCKETS - 1, Math.floor(((scores[id] as number) - min) * scale));
      buckets[index] = bucket;
      sums[bucket] = (sums[bucket] as number) + (weights === undefined ? 1 : (weights[id] as number));
    }
    let before = 0;
    let crossing = 0;
    while (crossing < BUCKETS && before + (sums[crossing] as number) < need) {
      before += sums[crossing] as number;
      crossing += 1;
    }
    if (crossing === BUCKETS) return max;
    need -= before;
    // The smallest score lands in bucket 0 and the largest in the last, so the crossing bucket
    // never holds them both: the pool shrinks every round.
    let count = 0;
    for (let index = 0; index < size; index += 1) if (buckets[index] === crossing) count += 1;
    const next = new Uint32Array(count);
    count = 0;
    for (let index = 0; index < size; index += 1) {
      if (buckets[index] === crossing) next[count++] = pool[index] as number;
    }
    pool = next;
  }
}

/** The ids whose score is a finite number (all of them, usually: then `ids` itself). */
function finiteScored(ids: Uint32Array, scores: Float64Array): Uint32Array {
  let count = 0;
  for (let index = 0; index < ids.length; index += 1) {
    if (Number.isFinite(scores[ids[index] as number])) count += 1;
  }
  if (count === ids.length) return ids;
  const finite = new Uint32Array(count);
  count = 0;
  for (let index = 0; index < ids.length; index += 1) {
    const id = ids[index] as number;
    if (Number.isFinite(scores[id])) finite[count++] = id;
  }
  return finite;
}
