import type { Candidates } from './candidates.ts';
import { assertUsable } from './greedy-token.ts';
import type { PenalisedIds } from './penalised-ids.ts';

/**
 * Repetition penalty, temperature and top-k (k > 0) together, touching the vocabulary in one
 * plain pass (two in a rare case) and copying none of it; the other filters then run on the few dozen candidates.
 * The candidates, their logits and their order (by id) are exactly those the full pipeline
 * (finite-logits, repetition-penalty, temperature, top-k, narrow) leaves:
 *
 * 1. One pass keeps the k largest penalised logits in a size-k min-heap (values only) and the
 *    largest logit. NaN and -Infinity never enter; a +Infinity sends the token to the tokens at
 *    +Infinity, as finite-logits.ts does.
 * 2. The full pipeline applies top-k after the temperature, to logits rounded to float32, and
 *    keeps every token tied with the k-th. Temperature rounding can tie a logit just below the
 *    k-th with it (and a tiny temperature turns the far tail to -Infinity, which removes it), so
 *    the cut is found in the penalised logits: the smallest float32 whose tempered value is at
 *    least the k-th's tempered value (and not -Infinity), by bisection on float32 order (the
 *    temperature is monotonic). Without a temperature (1) the cut is the k-th logit itself.
 * 3. The ids offered to the heap include every id at or above the k-th, in id order: those at or
 *    above the cut are the candidates, tempered with temperature.ts's expression. Only when the
 *    temperature ties logits below the k-th with it does a second pass collect them.
 */
export function topKCandidates(
  logits: Float32Array,
  penalised: PenalisedIds,
  temperature: number,
  k: number,
): Candidates {
  const top = new TopValues(k);
  let start = 0;
  for (let run = 0; run <= penalised.ids.length; run += 1) {
    const end = run < penalised.ids.length ? (penalised.ids[run] as number) : logits.length;
    // The hot loop: one comparison per logit; NaN and -Infinity never pass it.
    for (let index = start; index < end; index += 1) {
      const logit = logits[index] as number;
      if (logit >= top.floor) top.offer(logit, index);
    }
    if (end < logits.length) {
      const logit = penalised.values[run] as number;
      if (logit >= top.floor) top.offer(logit, end);
    }
    start = end + 1;
  }
  if (top.certain) return certainCandidates(logits);
  if (top.size === 0) {
    assertUsable(logits);
    return { ids: new Uint32Array(0), logits: new Float32Array(0) };
  }
  const max = top.max;
  const tempered = (logit: number) => (temperature === 1 ? logit : Math.fround((logit - max) / temperature));
  const kth = top.smallest();
  const cut = smallestKept(kth, max, tempered);
  const ids: number[] = [];
  const values: number[] = [];
  if (cut >= kth) {
    // Every id at or above the k-th was offered (the floor only rises to it): filter those.
    for (let index = 0; index < top.ids.length; index += 1) {
      if ((top.values[index] as number) >= cut) {
        ids.push(top.ids[index] as number);
        values.push(top.values[index] as number);
      }
    }
    return temper(ids, values, tempered);
  }
  // The temperature ties logits below the k-th with it: collect them in a second pass.
  start = 0;
  for (let run = 0; run <= penalised.ids.length; run += 1) {
    const end = run < penalised.ids.length ? (penalised.ids[run] as number) : logits.length;
    for (let index = start; index < end; index += 1) {
      if ((logits[index] as number) >= cut) {
        ids.push(index);
        values.push(logits[index] as number);
      }
    }
    if (end < logits.length && (penalised.values[run] as number) >= cut) {
      ids.push(end);
      values.push(penalised.values[run] as number);
    }
    start = end + 1;
  }
  return temper(ids, values, tempered);
}

function temper(ids: number[], values: number[], tempered: (logit: number) => number): Candidates {
  const result = new Float32Array(values.length);
  for (let index = 0; index < values.length; index += 1) result[index] = tempered(values[index] as number);
  return { ids: Uint32Array.from(ids), logits: result };
}

/**
 * The k largest values seen (a min-heap of values), the largest, whether a +Infinity came by, and
 * every id offered with its value, in id order: a value enters only when it is at least `floor`
 * (-Infinity while the heap fills, then the heap's smallest; +Infinity once a +Infinity came), so
 * on a model's logits a few hundred are kept, and every id at or above the final k-th among them.
 */
class TopValues {
  readonly heap: Float64Array;
  size = 0;
  floor = Number.NEGATIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  certain = false;
  readonly ids: number[] = [];
  readonly values: number[] = [];

  constructor(readonly k: number) {
    this.heap = new Float64Array(k);
  }

  offer(value: number, id: number): void {
    if (value === Number.NEGATIVE_INFINITY) return;
    if (value === Number.POSITIVE_INFINITY) {
      this.certain = true;
      this.floor = value;
      return;
    }
    this.ids.push(id);
    this.values.push(value);
    if (value > this.max) this.max = value;
    if (this.size < this.k) {
      siftUp(this.heap, this.size, value);
      this.size += 1;
      if (this.size === this.k) this.floor = this.heap[0] as number;
    } else {
      if (value === this.floor) return;
      siftDown(this.heap, this.k, value);
      this.floor = this.heap[0] as number;
    }
  }

  /** The k-th largest value (the smallest of all when fewer than k came). */
  smallest(): number {
    return this.heap[0] as number;
  }
}

/** The tokens at +Infinity, all at logit 0: what finite-logits.ts and the temperature leave. */
function certainCandidates(logits: Float32Array): Candidates {
  const ids: number[] = [];
  for (let index = 0; index < logits.length; index += 1) {
    if (logits[index] === Number.POSITIVE_INFINITY) ids.push(index);
  }
  // The penalty cannot lower a +Infinity (finite-logits.ts comes first), so the raw logits decide.
  return { ids: Uint32Array.from(ids), logits: new Float32Array(ids.length) };
}

const bits = new Float32Array(1);
const bitsAsInt = new Int32Array(bits.buffer);

/** Float32 values as integers in the same order (-0 and +0 both 0), and back. */
function float32Order(value: number): number {
  bits[0] = value;
  const raw = bitsAsInt[0] as number;
  return raw < 0 ? -(raw & 0x7fffffff) : raw;
}
function float32AtOrder(order: number): number {
  bitsAsInt[0] = order < 0 ? -order | 0x80000000 : order;
  return bits[0] as number;
}

/**
 * The smallest float32 logit the full pipeline keeps: tempered at least as high as the k-th
 * largest (`kth`) and not -Infinity. `max` (tempered 0) is always kept.
 */
function smallestKept(kth: number, max: number, tempered: (logit: number) => number): number {
  const target = tempered(kth);
  const kept = (logit: number) => {
    const value = tempered(logit);
    return value >= target && value !== Number.NEGATIVE_INFINITY;
  };
  // Bisection over float32 order: `high` is kept, `low` is not.
  let high: number;
  let low: number;
  if (kept(kth)) {
    high = float32Order(kth);
    // The usual case: the float32 just below the k-th is not kept, so neither is anything lower.
    if (!kept(float32AtOrder(high - 1))) return kth;
    low = float32Order(Number.NEGATIVE_INFINITY);
  } else {
    // The k-th tempered to -Infinity: the cut lies between it and the largest.
    high = float32Order(max);
    low = float32Order(kth);
  }
  while (high - low > 1) {
    const middle = Math.floor((high + low) / 2);
    if (kept(float32AtOrder(middle))) high = middle;
    else low = middle;
  }
  return float32AtOrder(high);
}

function siftUp(heap: Float64Array, size: number, value: number): void {
  let position = size;
  while (position > 0) {
    const parent = (position - 1) >> 1;
    if ((heap[parent] as number) <= value) break;
    heap[position] = heap[parent] as number;
    position = parent;
  }
  heap[position] = value;
}

/** Replaces the smallest value with `value` (larger) and restores the heap. */
function siftDown(heap: Float64Array, size: number, value: number): void {
  let position = 0;
  for (;;) {
    const left = 2 * position + 1;
    if (left >= size) break;
    const right = left + 1;
    const child = right < size && (heap[right] as number) < (heap[left] as number) ? right : left;
    if ((heap[child] as number) >= value) break;
    heap[position] = heap[child] as number;
    position = child;
  }
  heap[position] = value;
}
