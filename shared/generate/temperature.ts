/**
 * Logits divided by the temperature (> 0; 0 is greedy and never reaches here), after subtracting
 * the largest: the same distribution (softmax ignores a shift), but a tiny temperature drives the
 * others towards -Infinity instead of driving the largest to +Infinity, which float32 reaches at
 * 3.4e38 (a logit of 10 at temperature 1e-38) and which turns every probability into NaN.
 * Expects finite logits or -Infinity (see finite-logits.ts). Returns a new array.
 */
export function applyTemperature(logits: Float32Array, temperature: number): Float32Array {
  const result = Float32Array.from(logits);
  if (temperature === 1) return result;
  let max = Number.NEGATIVE_INFINITY;
  for (let index = 0; index < result.length; index += 1) {
    if ((result[index] as number) > max) max = result[index] as number;
  }
  if (max === Number.NEGATIVE_INFINITY) return result;
  for (let index = 0; index < result.length; index += 1) {
    result[index] = ((result[index] as number) - max) / temperature;
  }
  return result;
}
