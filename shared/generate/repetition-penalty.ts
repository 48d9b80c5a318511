/**
 * Hugging Face's repetition penalty, limited to the last `range` tokens of the context (0: the
 * whole context), as text-generation-webui's `repetition_penalty_range` does: a long chat should
 * not forbid every word it ever used. Each token seen in that window is penalised once: a positive
 * logit is divided by the penalty and a negative one multiplied, so the token always becomes less
 * likely (dividing a negative logit would make it more likely). Returns a new array.
 */
export function applyRepetitionPenalty(
  logits: Float32Array,
  context: readonly number[],
  penalty: number,
  range: number,
): Float32Array {
  const result = Float32Array.from(logits);
  if (penalty === 1) return result;
  const start = range === 0 ? 0 : Math.max(0, context.length - range);
  const seen = new Set<number>();
  for (let index = start; index < context.length; index += 1) {
    const id = context[index];
    if (id === undefined || seen.has(id) || id < 0 || id >= result.length) continue;
    seen.add(id);
    const logit = result[id] ?? 0;
    result[id] = logit > 0 ? logit / penalty : logit * penalty;
  }
  return result;
}
